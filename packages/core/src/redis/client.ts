import { createRequire } from 'node:module'
import { debuglog } from 'node:util'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { taoError, type TaoError } from '../errors/index.js'
import { describeRedis, parseRedisUrl } from './url.js'

const debug = debuglog('tao:redis')
// ioredis (CommonJS, some 40 modules) is required when a first client is made: @tao/core's entry
// exports this module, and a project without Redis should not load it at boot.
const require = createRequire(import.meta.url)

/** Longest pause between two reconnection attempts. */
const MAX_BACKOFF_MS = 2_000

/** Options of {@link createRedisClient}. */
export interface RedisClientOptions {
  /** What the connection is for, in logs and `CLIENT LIST` ('channels', 'cache'...). */
  name: string
  log: FastifyBaseLogger
  /** How long connecting (and each reconnection attempt) may take, in ms. Default 2000. */
  connectTimeout?: number
  /** How long one command may wait for its reply, in ms (0: no limit). Default 1000. */
  commandTimeout?: number
}

/**
 * The pause before reconnection attempt `attempt` (1, 2, ...): exponential from 50 ms, capped
 * at 2 s, with jitter so that the processes of a site do not all reconnect at the same instant.
 */
export function reconnectDelay (attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(attempt, 10))
  return Math.round(base / 2 + Math.random() * base / 2)
}

/**
 * An ioredis client for `url`, not connected yet (call `connect()`): it reconnects forever with
 * {@link reconnectDelay}, and a command sent while it is disconnected waits at most
 * `commandTimeout` and fails (callers degrade: a publish is counted as lost, a cache read misses).
 * The first error of an outage is logged as a warning, the recovery as info.
 * @throws TAO_ERR_REDIS_URL_INVALID when the URL cannot be parsed.
 */
export function createRedisClient (url: string, opts: RedisClientOptions): Redis {
  const target = parseRedisUrl(url)
  if (target === null) throw taoError('TAO_ERR_REDIS_URL_INVALID', [`the Redis connection '${opts.name}'`])
  const where = describeRedis(url)
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis')
  const client = new RedisClient({
    ...target,
    connectionName: `tao:${opts.name}`,
    lazyConnect: true,
    // Commands wait for the connection (the first one, or a reconnection), each for at most
    // commandTimeout, and fail at the first failed reconnection attempt: an outage costs a
    // caller one short wait and an error, never an unbounded queue. A command in flight when
    // the connection drops fails instead of being replayed later.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: opts.connectTimeout ?? 2_000,
    commandTimeout: (opts.commandTimeout ?? 1_000) || undefined,
    retryStrategy: reconnectDelay,
  })
  let down = false
  client.on('error', (err: Error) => {
    if (down) {
      debug('%s: %s', opts.name, err.message)
      return
    }
    down = true
    opts.log.warn(`${toRedisError(err, url).message} (connection '${opts.name}')`)
  })
  client.on('ready', () => {
    if (down) opts.log.info(`Redis at ${where} is reachable again (connection '${opts.name}').`)
    down = false
  })
  return client
}

/** A client error as TAO_ERR_REDIS_UNAVAILABLE (503), naming where Redis is and not its password. */
export function toRedisError (err: unknown, url: string): TaoError {
  const reason = (err as Error | undefined)?.message ?? String(err)
  return taoError('TAO_ERR_REDIS_UNAVAILABLE', [describeRedis(url), reason], {}, { cause: err })
}

/**
 * Closes a client and resolves once its connection has ended: QUIT when it is connected
 * (replies in flight arrive first), else at once. Bounded: without an answer within `timeout`
 * ms, it disconnects.
 */
export async function closeRedisClient (client: Redis, timeout = 1_000): Promise<void> {
  if (client.status === 'end') return
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()))
  let timer: NodeJS.Timeout | undefined
  if (client.status === 'ready') {
    client.quit().catch(() => {})
    await Promise.race([ended, new Promise((resolve) => { timer = setTimeout(resolve, timeout) })])
    clearTimeout(timer)
  }
  // (The status changes while awaiting; read it afresh.)
  if ((client.status as string) !== 'end') {
    client.disconnect()
    await Promise.race([ended, new Promise((resolve) => { timer = setTimeout(resolve, timeout) })])
    clearTimeout(timer)
  }
}
