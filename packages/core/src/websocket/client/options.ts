import type { FastifyBaseLogger } from 'fastify'
import { taoError } from '../../errors/index.js'
import { duration, int, oneOf, size } from '../../settings/validate.js'
import type { Duration } from '../../services/service.js'
import { backoff } from '../../services/timing.js'
import type { WebsocketClient } from './client.js'

/** What a full send queue does with one more message. */
export type QueueOverflow = 'drop-oldest' | 'drop-newest' | 'error'

/** How the connection is closed and whether another attempt follows. */
export interface ClientCloseInfo {
  code: number
  reason: string
  /** False after close() or the signal aborted, or with `reconnect: false`. */
  willReconnect: boolean
  /** Milliseconds until the next attempt, when there is one. */
  delay?: number
}

/** Options of {@link connectWebsocket} and `ctx.connect()`. */
export interface WebsocketClientOptions {
  /** Called on every (re)connection, before queued messages go out: send subscriptions here. */
  onOpen?: (client: WebsocketClient) => unknown
  /** Each message: a text frame as a string, a binary frame as a Buffer. */
  onMessage?: (data: string | Buffer, client: WebsocketClient) => unknown
  /** Each time an open connection closes (or an attempt fails after opening). */
  onClose?: (info: ClientCloseInfo, client: WebsocketClient) => unknown
  /** Stops the client for good when it aborts (`ctx.connect` passes the service's signal). */
  signal?: AbortSignal
  /** Extra headers of the upgrade request (e.g. Authorization). */
  headers?: Record<string, string>
  protocols?: string | string[]
  /**
   * Delays between attempts: `delay` doubles after each failed attempt in a row up to
   * `maxDelay`, each reduced by a random part of at most `jitter` (0..1) so that many clients
   * do not come back in step. false: no reconnection (the client closes with the connection).
   * Default `{ delay: '250ms', maxDelay: '30s', jitter: 0.5 }`.
   */
  reconnect?: { delay?: Duration, maxDelay?: Duration, jitter?: number } | false
  /**
   * A ping every `interval`; a peer that answers nothing (no pong, no message) within
   * `timeout` is dead: the socket is cut and replaced. Default `{ interval: '15s', timeout: '5s' }`.
   */
  heartbeat?: { interval?: Duration, timeout?: Duration } | false
  /**
   * Messages sent while disconnected, or while more than `maxBufferedAmount` bytes wait to be
   * written, wait in a queue of at most `max` messages. When it is full, `overflow` decides:
   * 'drop-oldest' (default: the newest state wins), 'drop-newest' (send() returns false), or
   * 'error' (send() throws TAO_ERR_WS_CLIENT_QUEUE_FULL). Drops are counted in `stats.dropped`.
   */
  queue?: { max?: number, overflow?: QueueOverflow }
  /** Bytes written but not yet sent past which send() queues instead of writing. Default '1mb'. */
  maxBufferedAmount?: number | string
  /** Longest time one attempt may take to open. Default '10s'. */
  connectTimeout?: Duration
  /** Largest message accepted from the peer (a larger one closes with 1009). Default '1mb'. */
  maxMessageSize?: number | string
  /** Where connection changes are logged (ctx.connect passes the service's logger). */
  log?: FastifyBaseLogger
}

/** The options checked and normalized once, with durations in ms and sizes in bytes. */
export interface ResolvedClientOptions {
  readonly url: string
  readonly reconnect: Readonly<{ delay: number, maxDelay: number, jitter: number }> | false
  readonly heartbeat: Readonly<{ interval: number, timeout: number }> | false
  readonly queueMax: number
  readonly overflow: QueueOverflow
  readonly maxBufferedAmount: number
  readonly connectTimeout: number
  readonly maxMessageSize: number
}

function sub<T extends object> (key: string, value: unknown, problems: string[]): Partial<T> | false {
  if (value === false) return false
  if (value === undefined) return {}
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Partial<T>
  problems.push(`${key} must be an object or false`)
  return {}
}

/**
 * Checks a URL and options once, before any connection.
 * @throws TAO_ERR_WS_CLIENT_INVALID listing every problem.
 */
export function resolveClientOptions (url: unknown, opts: WebsocketClientOptions = {}): ResolvedClientOptions {
  const where = `connectWebsocket(${JSON.stringify(url) ?? String(url)})`
  const problems: string[] = []
  let href = ''
  if (typeof url !== 'string' && !(url instanceof URL)) problems.push('the URL must be a string such as \'ws://127.0.0.1:8080/clock/socket\'')
  else if (!URL.canParse(String(url))) problems.push(`'${String(url)}' is not a URL`)
  else {
    const parsed = new URL(String(url))
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') problems.push(`the URL must start with ws:// or wss://, not ${parsed.protocol}//`)
    href = parsed.href
  }
  if (typeof opts !== 'object' || opts === null) throw taoError('TAO_ERR_WS_CLIENT_INVALID', [where, ['the options must be an object', ...problems].join('; ')])
  for (const key of ['onOpen', 'onMessage', 'onClose'] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== 'function') problems.push(`${key} is ${typeof opts[key]}, not a function`)
  }
  const r = sub<{ delay: Duration, maxDelay: Duration, jitter: number }>('reconnect', opts.reconnect, problems)
  const h = sub<{ interval: Duration, timeout: Duration }>('heartbeat', opts.heartbeat, problems)
  const q = sub<{ max: number, overflow: QueueOverflow }>('queue', opts.queue, problems) || {}
  let reconnect: ResolvedClientOptions['reconnect'] = false
  if (r) {
    const jitter = r.jitter ?? 0.5
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) problems.push(`reconnect.jitter must be a number from 0 to 1, got ${String(jitter)}`)
    reconnect = Object.freeze({
      delay: Math.max(1, duration(250)(r.delay, 'reconnect.delay', problems)),
      maxDelay: duration(30_000)(r.maxDelay, 'reconnect.maxDelay', problems),
      jitter: typeof jitter === 'number' ? jitter : 0.5,
    })
  }
  let heartbeat: ResolvedClientOptions['heartbeat'] = false
  if (h) {
    heartbeat = Object.freeze({
      interval: duration(15_000)(h.interval, 'heartbeat.interval', problems),
      timeout: duration(5_000)(h.timeout, 'heartbeat.timeout', problems),
    })
    if (heartbeat.interval < 10 || heartbeat.timeout < 10) problems.push('heartbeat.interval and heartbeat.timeout must be at least 10 ms')
  }
  const resolved: ResolvedClientOptions = Object.freeze({
    url: href,
    reconnect,
    heartbeat,
    queueMax: int(1000, 0)(q.max, 'queue.max', problems),
    overflow: oneOf<QueueOverflow>(['drop-oldest', 'drop-newest', 'error'], 'drop-oldest')(q.overflow, 'queue.overflow', problems),
    maxBufferedAmount: size(1024 ** 2)(opts.maxBufferedAmount, 'maxBufferedAmount', problems),
    connectTimeout: Math.max(1, duration(10_000)(opts.connectTimeout, 'connectTimeout', problems)),
    maxMessageSize: size(1024 ** 2)(opts.maxMessageSize, 'maxMessageSize', problems),
  })
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) problems.push('signal must be an AbortSignal')
  if (problems.length > 0) throw taoError('TAO_ERR_WS_CLIENT_INVALID', [where, problems.join('; ')])
  return resolved
}

/**
 * The wait before attempt number `failures` + 1: `delay` doubled per failure in a row, capped
 * at `maxDelay`, minus a random part of at most `jitter` of it (so many clients that lost one
 * server do not all come back in the same millisecond).
 */
export function reconnectDelay (failures: number, policy: { delay: number, maxDelay: number, jitter: number }, random = Math.random): number {
  return Math.round(backoff(failures, policy.delay, policy.maxDelay) * (1 - policy.jitter * random()))
}
