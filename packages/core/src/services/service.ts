import type { FastifyBaseLogger } from 'fastify'
import type { Db } from 'mongodb'
import { taoError } from '../errors/index.js'
import { duration, int } from '../settings/validate.js'
import type { Settings } from '../settings/index.js'
import { kServiceDef } from '../symbols.js'
import type { Channels } from '../websocket/channels.js'
import type { WebsocketClient, WebsocketClientOptions } from '../websocket/client/index.js'

/** Milliseconds, or a string such as '500ms', '30s', '5m'. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`

/** What a service is given: everything it may use, and the signal that asks it to stop. */
export interface ServiceContext {
  /** The service's full name, 'app:name'. */
  readonly name: string
  /** Aborted when the service must stop (shutdown, a restart, or a lost `once` lease). */
  readonly signal: AbortSignal
  /**
   * The project's database (the official driver's `Db`).
   * Before the app is ready (never inside a started service) it throws TAO_ERR_DB_NOT_READY.
   */
  readonly db: Db
  /** A logger whose lines carry `service: 'app:name'`. */
  readonly log: FastifyBaseLogger
  /** Publish to websocket channel groups: `ctx.channels.publish('clock', Date.now())`. */
  readonly channels: Channels
  readonly settings: Settings
  /**
   * Holds a websocket client connection to another site or server for this instance's life:
   * it reconnects with backoff, replaces a peer that stops answering pings, queues sends in a
   * bounded queue while disconnected, and closes when `ctx.signal` aborts (the service stops
   * only once it has closed). Logs go to `ctx.log`.
   * @example ctx.connect('ws://clock.internal/clock/socket', { onMessage: (data) => { ... } })
   * @throws TAO_ERR_WS_CLIENT_INVALID for a bad URL or option.
   * @see docs/reference/services.md
   */
  connect (url: string | URL, options?: WebsocketClientOptions): WebsocketClient
}

/** When and how often a crashed service is started again. */
export interface RestartPolicy {
  /** Delay before the first restart; doubles after each crash in a row. Default '1s'. */
  delay?: Duration
  /** Longest delay between restarts. Default '30s'. */
  maxDelay?: Duration
  /** Crashes in a row after which the service is left failed. Default: no limit. */
  maxRestarts?: number
  /** A service that ran this long before crashing starts again from the first delay. Default '1m'. */
  resetAfter?: Duration
}

/** How a service runs: each function gets the {@link ServiceContext}. */
export interface ServiceOptions {
  /** Prepares the service; resolves when it is ready. If it throws at boot, the server does not start. */
  start?: (ctx: ServiceContext) => unknown
  /**
   * The long-running body, started once start() resolved; it should return when `ctx.signal`
   * aborts. If it throws (or returns) before that, the service crashed: it is logged, stopped
   * and started again following `restart`.
   */
  run?: (ctx: ServiceContext) => Promise<unknown>
  /** Releases what start() acquired. Called at shutdown (in reverse order) and after a crash. */
  stop?: (ctx: ServiceContext) => unknown
  /** Run in exactly one process among all workers and machines sharing the database. */
  once?: boolean
  /** Restart policy after a crash, or false to leave a crashed service failed. */
  restart?: RestartPolicy | false
  /** Longest time start() may take. Default '30s'. */
  startTimeout?: Duration
  /** Longest time stop() (and the end of run()) may take. Default: settings.services.stopTimeout. */
  stopTimeout?: Duration
}

/** A service declaration as plain data, made by {@link service} or {@link periodic}. */
export interface ServiceDef {
  readonly kind: 'service' | 'periodic'
  /** The name inside its app; the full name is 'app:name'. */
  readonly name: string
  readonly start: ((ctx: ServiceContext) => unknown) | undefined
  readonly run: ((ctx: ServiceContext) => Promise<unknown>) | undefined
  readonly stop: ((ctx: ServiceContext) => unknown) | undefined
  readonly once: boolean
  readonly restart: Readonly<Required<RestartPolicy> & { delay: number, maxDelay: number, resetAfter: number }> | false
  readonly startTimeout: number
  readonly stopTimeout: number | undefined
  /** For periodic services: the interval in milliseconds. */
  readonly every: number | undefined
}

const NAME = /^[A-Za-z_][\w-]*$/

/** Normalizes a duration option, or throws TAO_ERR_SERVICE_INVALID naming it. */
export function durationOption (where: string, key: string, value: unknown, def: number): number {
  const problems: string[] = []
  const ms = duration(def)(value, key, problems)
  if (problems.length > 0) throw taoError('TAO_ERR_SERVICE_INVALID', [where, problems[0]!])
  return ms
}

function restartPolicy (where: string, value: unknown): ServiceDef['restart'] {
  if (value === false) return false
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'restart must be an object ({ delay, maxDelay, maxRestarts, resetAfter }) or false'])
  }
  const p = (value ?? {}) as RestartPolicy
  const problems: string[] = []
  const maxRestarts = p.maxRestarts === undefined || p.maxRestarts === Infinity ? Infinity : int(0, 0)(p.maxRestarts, 'restart.maxRestarts', problems)
  if (problems.length > 0) throw taoError('TAO_ERR_SERVICE_INVALID', [where, problems[0]!])
  return Object.freeze({
    delay: durationOption(where, 'restart.delay', p.delay, 1_000),
    maxDelay: durationOption(where, 'restart.maxDelay', p.maxDelay, 30_000),
    maxRestarts,
    resetAfter: durationOption(where, 'restart.resetAfter', p.resetAfter, 60_000),
  })
}

function checkFunction (where: string, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, `${key} is ${typeof value}, not a function`])
  }
}

/** Builds the frozen declaration shared by service() and periodic(). */
export function defineService (kind: ServiceDef['kind'], name: unknown, opts: ServiceOptions, every?: number): ServiceDef {
  const where = `${kind}(${JSON.stringify(name)})`
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'the name must be letters, digits, \'_\' and \'-\' (the app label is added for you)'])
  }
  if (typeof opts !== 'object' || opts === null) {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'the options must be an object such as { start, stop }'])
  }
  for (const key of ['start', 'run', 'stop'] as const) checkFunction(where, key, opts[key])
  if (opts.start === undefined && opts.run === undefined) {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'give it a start() or a run() function'])
  }
  if (opts.once !== undefined && typeof opts.once !== 'boolean') {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'once must be true or false'])
  }
  const def: ServiceDef = {
    kind,
    name,
    start: opts.start,
    run: opts.run,
    stop: opts.stop,
    once: opts.once ?? false,
    restart: restartPolicy(where, opts.restart),
    startTimeout: durationOption(where, 'startTimeout', opts.startTimeout, 30_000),
    stopTimeout: opts.stopTimeout === undefined ? undefined : durationOption(where, 'stopTimeout', opts.stopTimeout, 5_000),
    every,
  }
  return Object.freeze(Object.defineProperty(def, kServiceDef, { value: true }))
}

/**
 * Declares a background service of an app, as plain data (exported from
 * apps/<app>/services.ts). Services start concurrently before the server listens and stop in
 * reverse order at shutdown.
 * @example service('bot', { once: true, async start (ctx) { ... }, async stop (ctx) { ... } })
 * @throws TAO_ERR_SERVICE_INVALID for a bad name or option.
 * @see docs/deployment.md
 */
export function service (name: string, opts: ServiceOptions): ServiceDef {
  return defineService('service', name, opts)
}

/** True for values made by {@link service} or {@link periodic}. */
export function isServiceDef (value: unknown): value is ServiceDef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kServiceDef] === true
}
