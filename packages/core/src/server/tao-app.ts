import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Db, MongoClient } from 'mongodb'
import type { AppRegistry } from '../apps/index.js'
import type { Reverser } from '../routing/reverse.js'
import type { RouteName, UrlArgs } from '../routing/types.js'
import type { Settings } from '../settings/index.js'
import { currentIs, setCurrentApp } from './current.js'
import { kStaticFiles, kTemplates } from '../symbols.js'
import { kDatabase } from '../symbols.js'
import { kChannels } from '../symbols.js'
import type { Channels } from '../websocket/channels.js'

/** Where to listen: a port and host, or a unix socket. */
export interface ListenOptions {
  port?: number
  host?: string
  socket?: string
}

/** Hooks run in order at close, after the server stops accepting (services, database …). */
export type CloseHook = () => Promise<void> | void

/**
 * One tao application: the Fastify server with every app's routes, the frozen settings and
 * the app registry. Made by `createApp()`; two in one process share nothing.
 */
export class TaoApp {
  readonly fastify: FastifyInstance
  readonly settings: Settings
  readonly registry: AppRegistry
  readonly #reverser: Reverser
  #closing: Promise<void> | null = null

  constructor (fastify: FastifyInstance, settings: Settings, registry: AppRegistry, reverser: Reverser) {
    this.fastify = fastify
    this.settings = settings
    this.registry = registry
    this.#reverser = reverser
  }

  /**
   * The URL of a named route, with percent-encoded parameters and an optional query.
   * @throws TAO_ERR_ROUTE_NOT_FOUND, TAO_ERR_ROUTE_MISSING_PARAM, TAO_ERR_ROUTE_UNKNOWN_PARAM
   */
  url<N extends RouteName> (name: N, ...args: UrlArgs<N>): string {
    const [params, query] = args as unknown as [Record<string, unknown> | undefined, Parameters<Reverser['url']>[2]]
    return this.#reverser.url(name, params, query)
  }

  /**
   * Renders template `name` with `context` outside a request (emails, files): autoescaped,
   * with the same globals as in handlers (`request` is undefined, `session` null).
   * @throws TAO_ERR_TEMPLATE_NOT_FOUND, TAO_ERR_TEMPLATE_SYNTAX, TAO_ERR_TEMPLATE_RENDER
   */
  render (name: string, context?: Record<string, unknown>): string {
    return this.fastify[kTemplates].render(name, context)
  }

  /**
   * The URL of static file `name` (`'blog:css/site.css'`, or `'css/site.css'` in the
   * project's static/), with `?v=<content hash>` when settings.static.hashed.
   * @throws TAO_ERR_STATIC_NOT_FOUND
   */
  static (name: string): string {
    return this.fastify[kStaticFiles].url(name)
  }

  /**
   * The project's database (settings.database.name) on the one pooled client: for services
   * (`ctx.db`), scripts and tests. The same `Db` handlers get as `req.db`.
   * @throws TAO_ERR_DB_NOT_READY before `await app.ready()`.
   */
  get db (): Db {
    return this.fastify[kDatabase].db
  }

  /**
   * The process's one MongoClient (other databases: `app.mongo.db('name')`; sessions,
   * transactions on a replica set). Do not close it: `app.close()` does.
   * @throws TAO_ERR_DB_NOT_READY before `await app.ready()`.
   */
  get mongo (): MongoClient {
    return this.fastify[kDatabase].client
  }

  /** The app's broadcast groups of websockets (what services get as `ctx.channels`). */
  get channels (): Channels {
    return this.fastify[kChannels]
  }

  /** Loads every plugin; resolves when the app can serve. */
  async ready (): Promise<void> {
    await this.fastify.ready()
  }

  /** Sends a request through the app without a socket (tests). */
  inject (opts: InjectOptions | string): Promise<LightMyRequestResponse> {
    return this.fastify.inject(opts)
  }

  /**
   * Starts listening, on a unix socket when `socket` is given, else on host and port
   * (defaults from settings.server). Resolves with the address.
   */
  async listen (opts: ListenOptions = {}): Promise<string> {
    const socket = opts.socket ?? this.settings.server.socket
    if (socket) return await this.fastify.listen({ path: socket })
    return await this.fastify.listen({
      port: opts.port ?? this.settings.server.port,
      host: opts.host ?? this.settings.server.host,
    })
  }

  /** Stops accepting, lets in-flight requests finish, then runs the close hooks. Idempotent. */
  close (): Promise<void> {
    if (currentIs(this)) setCurrentApp(null)
    this.#closing ??= this.fastify.close()
    return this.#closing
  }
}
