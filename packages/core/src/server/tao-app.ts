import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Db, MongoClient } from 'mongodb'
import type { AppRegistry } from '../apps/index.js'
import type { Model } from '../models/index.js'
import type { Reverser } from '../routing/reverse.js'
import type { RouteName, UrlArgs } from '../routing/types.js'
import { ServiceManager } from '../services/lifecycle.js'
import type { ServiceRecord } from '../services/runner.js'
import type { Settings } from '../settings/index.js'
import { kCache, kChannels, kDatabase, kRedis, kStaticFiles, kTemplates } from '../symbols.js'
import type { Redis } from 'ioredis'
import type { Cache } from '../cache/cache.js'
import type {} from '../cache/plugin.js'
import { CloseHooks, type CloseHook, type ClosePhase } from './close-hooks.js'
import { currentIs, setCurrentApp } from './current.js'
import { ConnectionTracker } from './drain.js'
import type { Readiness } from './health.js'
import { listenOn, type ListenOptions } from './listen.js'
import { pingDatabase, readinessOf } from './readiness.js'
import type { Channels } from '../websocket/channels.js'

export type { ListenOptions } from './listen.js'
export type { CloseHook, ClosePhase } from './close-hooks.js'

// A cluster worker stops accepting once no connection reached it for this long (see stopAccepting).
const STOP_ACCEPTING_QUIET_MS = 300

/** Where an app is in its life: created → starting → started → draining → closed. */
export type AppPhase = 'created' | 'starting' | 'started' | 'draining' | 'closed'

/**
 * One tao application: the Fastify server with every app's routes, the frozen settings, the
 * app registry and the services. Made by `createApp()`; two in one process share nothing.
 */
export class TaoApp {
  readonly fastify: FastifyInstance
  readonly settings: Settings
  readonly registry: AppRegistry
  /** The background services of the project's apps (apps/<app>/services.ts). */
  readonly services: ServiceManager
  /** The models of every app (apps/<app>/models.ts), by full name ('blog:posts'), in app order. */
  readonly models: ReadonlyMap<string, Model>
  readonly #reverser: Reverser
  readonly #hooks = new CloseHooks()
  #phase: AppPhase = 'created'
  #starting: Promise<void> | null = null
  #closing: Promise<void> | null = null
  #tracker: ConnectionTracker | null = null
  #cut = 0

  constructor (fastify: FastifyInstance, settings: Settings, registry: AppRegistry, reverser: Reverser, services: readonly ServiceRecord[] = [], models: ReadonlyMap<string, Model> = new Map()) {
    this.fastify = fastify
    this.models = models
    this.settings = settings
    this.registry = registry
    this.#reverser = reverser
    this.services = new ServiceManager(services, {
      settings,
      log: fastify.log,
      db: () => this.db,
      channels: () => this.channels,
    })
    this.#hooks.add('services', 'services', () => this.services.stop())
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
   * The cache of app `app` (keys under `<redis.prefix>cache:<app>:`), or the project's own without one:
   * what `req.cache` is in that app's routes, for services, scripts and tests.
   * @throws TAO_ERR_APP_NOT_FOUND
   * @see docs/reference/cache.md
   */
  cache (app?: string): Cache {
    return this.fastify[kCache].for(app)
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

  /** Requests the last shutdown cut at settings.server.shutdownTimeout (0: a clean drain). */
  get requestsCut (): number {
    return this.#cut
  }

  /**
   * Stops accepting new connections, once none arrived for 300 ms (at most
   * settings.server.shutdownTimeout), and keeps serving the open ones; close() later drains
   * them. Under a cluster primary, connections the primary still had queued are handed over
   * meanwhile (on a starved machine it hands them out slowly), not reset.
   */
  async stopAccepting (): Promise<void> {
    await this.#tracker?.stopAcceptingWhenQuiet(STOP_ACCEPTING_QUIET_MS, this.settings.server.shutdownTimeout)
  }

  /** Where the app is in its life. */
  get phase (): AppPhase {
    return this.#phase
  }

  /**
   * The project's shared Redis connection (an ioredis client), connected on first use.
   * @throws TAO_ERR_REDIS_NOT_CONFIGURED when settings.redis.url / TAO_REDIS_URL is not set.
   * @see docs/reference/redis.md
   */
  get redis (): Redis {
    return this.fastify[kRedis].client('app.redis')
  }

  /** The app's broadcast groups of websockets (what services get as `ctx.channels`). */
  get channels (): Channels {
    return this.fastify[kChannels]
  }

  /**
   * Adds a step to the ordered shutdown: 'websockets' (close them with 1001), 'services',
   * 'database'. Hooks of a phase run in the order they were added.
   */
  addCloseHook (phase: ClosePhase, name: string, hook: CloseHook): void {
    this.#hooks.add(phase, name, hook)
  }

  /** Loads every plugin and connects the database; resolves when the app can serve. */
  async ready (): Promise<void> {
    await this.fastify.ready()
  }

  /** Sends a request through the app without a socket (tests). */
  inject (opts: InjectOptions | string): Promise<LightMyRequestResponse> {
    return this.fastify.inject(opts)
  }

  /**
   * Readies the app (the database connects), then starts the services concurrently. Called
   * by listen(); idempotent.
   * @throws TAO_ERR_SERVICE_START_FAILED (the started services were stopped again)
   */
  start (): Promise<void> {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start (): Promise<void> {
    this.#phase = 'starting'
    await this.fastify.ready()
    if (this.settings.services.enabled) await this.services.start()
    if (this.#phase === 'starting') this.#phase = 'started'
  }

  /**
   * Starts the app (database, services) and then listens: on a unix socket when `socket` is
   * given (a stale socket file is removed, a live one refused), else on host and port
   * (defaults from settings.server). Resolves with the address.
   * @throws TAO_ERR_SERVICE_START_FAILED, TAO_ERR_SERVER_SOCKET_IN_USE,
   *   TAO_ERR_SERVER_SOCKET_NOT_SOCKET, TAO_ERR_SERVER_ADDRESS_IN_USE
   */
  async listen (opts: ListenOptions = {}): Promise<string> {
    await this.start()
    const s = this.settings.server
    this.#tracker ??= new ConnectionTracker(this.fastify.server, { idleTimeout: s.connectionTimeout })
    this.#tracker.install()
    return await listenOn(this.fastify, {
      port: opts.port ?? s.port,
      host: opts.host ?? s.host,
      socket: opts.socket ?? s.socket,
      socketMode: opts.socketMode ?? s.socketMode,
    })
  }

  /** Readiness: shutdown has not begun, the database answers, and the services run. */
  async readiness (): Promise<Readiness> {
    if (this.#phase === 'draining' || this.#phase === 'closed') return { ready: false, status: 'shutting down' }
    const started = this.#phase === 'started'
    // Before start the database is not connected yet: nothing to ping.
    const database = started ? await pingDatabase(() => this.db, 2_000) : 'connecting'
    return readinessOf(started, database, this.services.status(), this.settings.services.enabled)
  }

  /**
   * Shuts down in order, once (later calls get the same promise):
   *   1. readiness turns 503; the server stops accepting connections;
   *   2. in-flight requests finish, up to settings.server.shutdownTimeout;
   *   3. 'websockets' hooks (closed with 1001);
   *   4. 'services' hooks: services stop in reverse order;
   *   5. Fastify's onClose hooks (plugins; the database client closes here);
   *   6. 'database' hooks.
   * Every step runs even if an earlier one failed; then rejects with the first failure.
   * `drainTimeout` bounds step 2 instead of shutdownTimeout (the crash policy drains briefly).
   */
  close (opts: { drainTimeout?: number } = {}): Promise<void> {
    if (currentIs(this)) setCurrentApp(null)
    this.#closing ??= this.#close(opts.drainTimeout ?? this.settings.server.shutdownTimeout)
    return this.#closing
  }

  /** 'METHOD /path' of the requests running now (crash logs name them). */
  requestsInFlight (): string[] {
    return this.#tracker?.inFlight() ?? []
  }

  async #close (drainTimeout: number): Promise<void> {
    const log = this.fastify.log
    this.#phase = 'draining'
    if (this.#tracker) {
      const { cut, cutRoutes } = await this.#tracker.drain(drainTimeout)
      this.#cut = cut
      if (cut > 0) log.error(`shutdown: ${cut} request(s) still running after ${drainTimeout} ms were cut (settings.server.shutdownTimeout): ${cutRoutes.join(', ')}`)
    }
    const failures = [await this.#hooks.run('websockets', log), await this.#hooks.run('services', log)]
    try {
      await this.fastify.close()
    } catch (err) {
      log.error({ err }, 'shutdown: closing the server failed')
      failures.push(err)
    }
    failures.push(await this.#hooks.run('database', log))
    this.#tracker?.destroyRemaining()
    this.#phase = 'closed'
    const failure = failures.find((f) => f !== undefined)
    if (failure !== undefined) throw failure
  }
}
