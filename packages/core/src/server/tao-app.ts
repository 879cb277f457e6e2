import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Db } from 'mongodb'
import type { AppRegistry } from '../apps/index.js'
import type { Reverser } from '../routing/reverse.js'
import type { RouteName, UrlArgs } from '../routing/types.js'
import type { Channels } from '../services/channels.js'
import { ServiceManager } from '../services/lifecycle.js'
import type { ServiceRecord } from '../services/runner.js'
import type { Settings } from '../settings/index.js'
import { CloseHooks, type CloseHook, type ClosePhase } from './close-hooks.js'
import { currentIs, setCurrentApp } from './current.js'
import { ConnectionTracker } from './drain.js'
import type { Readiness } from './health.js'
import { connectDatabaseUrl } from './interim-database.js'
import { listenOn, type ListenOptions } from './listen.js'
import { Providers, type DatabaseProvider } from './providers.js'

export type { ListenOptions } from './listen.js'
export type { CloseHook, ClosePhase } from './close-hooks.js'

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
  /** The background services of the project's apps. */
  readonly services: ServiceManager
  readonly #reverser: Reverser
  readonly #providers = new Providers()
  readonly #hooks = new CloseHooks()
  #phase: AppPhase = 'created'
  #starting: Promise<void> | null = null
  #closing: Promise<void> | null = null
  #tracker: ConnectionTracker | null = null

  constructor (fastify: FastifyInstance, settings: Settings, registry: AppRegistry, reverser: Reverser, services: readonly ServiceRecord[] = []) {
    this.fastify = fastify
    this.settings = settings
    this.registry = registry
    this.#reverser = reverser
    this.services = new ServiceManager(services, {
      settings,
      log: fastify.log,
      db: () => this.#providers.db('a service'),
      channels: () => this.#providers.channels,
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

  /** Where the app is in its life. */
  get phase (): AppPhase {
    return this.#phase
  }

  /**
   * The project's database (the official driver's `Db`), provided at boot.
   * @throws TAO_ERR_DB_NOT_CONFIGURED when no database is configured.
   */
  get db (): Db {
    return this.#providers.db('app.db')
  }

  /**
   * Installs the database; called once at boot by the database concern. Its `close` runs in the
   * 'database' phase of shutdown, after the services have stopped.
   */
  provideDatabase (provider: DatabaseProvider): void {
    this.#providers.database = provider
    this.#hooks.add('database', 'database', () => provider.close())
  }

  /** Channel groups services publish to: in-process until the websocket concern provides its own. */
  get channels (): Channels {
    return this.#providers.channels
  }

  /** Installs the channels; called at boot by the websocket concern. */
  provideChannels (channels: Channels): void {
    this.#providers.channels = channels
  }

  /**
   * Adds a step to the ordered shutdown: 'websockets' (close them with 1001), 'services',
   * 'database'. Hooks of a phase run in the order they were added.
   */
  addCloseHook (phase: ClosePhase, name: string, hook: CloseHook): void {
    this.#hooks.add(phase, name, hook)
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
   * Readies the app, connects the database and starts the services (concurrently). Called by
   * listen(); idempotent.
   * @throws TAO_ERR_SERVICE_START_FAILED (the started services were stopped again),
   *   TAO_ERR_SERVICE_NEEDS_DATABASE
   */
  start (): Promise<void> {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start (): Promise<void> {
    this.#phase = 'starting'
    await this.fastify.ready()
    if (!this.#providers.database) {
      const provider = await connectDatabaseUrl(this.settings)
      if (provider) this.provideDatabase(provider)
    }
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
    this.#tracker ??= new ConnectionTracker(this.fastify.server)
    this.#tracker.install()
    return await listenOn(this.fastify, {
      port: opts.port ?? s.port,
      host: opts.host ?? s.host,
      socket: opts.socket ?? s.socket,
      socketMode: opts.socketMode ?? s.socketMode,
    })
  }

  /** Readiness: the database answers, the services run, and shutdown has not begun. */
  async readiness (): Promise<Readiness> {
    if (this.#phase === 'draining' || this.#phase === 'closed') return { ready: false, status: 'shutting down' }
    const database = await this.#providers.checkDatabase(2_000)
    const list = this.services.status()
    const services = Object.fromEntries(list.map((s) => [s.name, s.state]))
    if (this.#phase !== 'started') return { ready: false, status: 'starting', database, services }
    const ok = !database.startsWith('unreachable') &&
      list.every((s) => s.state === 'running' || s.state === 'standby' || s.state === 'restarting' || (s.state === 'idle' && !this.settings.services.enabled))
    return { ready: ok, status: ok ? 'ready' : 'not ready', database, services }
  }

  /**
   * Shuts down in order, once (later calls get the same promise):
   *   1. readiness turns 503; the server stops accepting connections;
   *   2. in-flight requests finish, up to settings.server.shutdownTimeout;
   *   3. 'websockets' hooks (closed with 1001);
   *   4. 'services' hooks: services stop in reverse order;
   *   5. Fastify's onClose hooks (plugins);
   *   6. 'database' hooks: the database closes.
   * Rejects with the first failure after running every step.
   */
  close (): Promise<void> {
    if (currentIs(this)) setCurrentApp(null)
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close (): Promise<void> {
    const log = this.fastify.log
    this.#phase = 'draining'
    if (this.#tracker) {
      const { cut } = await this.#tracker.drain(this.settings.server.shutdownTimeout)
      if (cut > 0) log.warn(`shutdown: ${cut} request(s) still running after ${this.settings.server.shutdownTimeout} ms were cut (settings.server.shutdownTimeout)`)
    }
    // Every phase runs even when an earlier one failed: the database must still close.
    const failures = [await this.#hooks.run('websockets', log), await this.#hooks.run('services', log)]
    try {
      await this.fastify.close()
    } catch (err) {
      log.error({ err }, 'shutdown: closing the server failed')
      failures.push(err)
    }
    failures.push(await this.#hooks.run('database', log))
    const failure = failures.find((f) => f !== undefined)
    this.#tracker?.destroyRemaining()
    this.#phase = 'closed'
    if (failure !== undefined) throw failure
  }
}
