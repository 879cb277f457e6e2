import {
  MongoNetworkError, MongoNotConnectedError, MongoServerClosedError, MongoServerSelectionError, MongoTopologyClosedError,
} from 'mongodb'
import { isTaoError, taoError, type TaoError } from '../errors/index.js'

// A cleared pool (MongoPoolClearedError) is a MongoNetworkError.
const UNAVAILABLE = [
  MongoServerSelectionError, MongoNetworkError, MongoTopologyClosedError, MongoNotConnectedError, MongoServerClosedError,
] as const

// By name as well: a project may hold a second copy of the driver, whose classes differ.
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoPoolClearedError',
  'PoolClearedOnNetworkError', 'MongoPoolClosedError', 'MongoTopologyClosedError', 'MongoNotConnectedError', 'MongoServerClosedError',
  // The pool stayed full for database.waitQueueTimeoutMS: the database is too slow to serve now.
  'MongoWaitQueueTimeoutError',
])

// The driver lets a few socket errors through unwrapped (e.g. EPIPE "This socket has been
// ended by the other party" when it writes on a pooled connection the server just closed).
// Only those raised inside the driver count: another service's ECONNRESET is not the database.
const SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTCONN', 'ECONNABORTED'])
const DRIVER_FRAME = /[\\/]mongodb[\\/]/

function isDriverOutage (err: Error): boolean {
  if (UNAVAILABLE.some((type) => err instanceof type) || UNAVAILABLE_NAMES.has(err.name)) return true
  const code = (err as NodeJS.ErrnoException).code
  return typeof code === 'string' && SOCKET_CODES.has(code) && DRIVER_FRAME.test(err.stack ?? '')
}

/** The driver error behind `err` (itself, or a cause up to three levels down), if it is an outage. */
function outageCause (err: unknown): Error | null {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (isDriverOutage(current)) return current
    current = current.cause
  }
  return null
}

/**
 * True when `err` means the database cannot be reached right now (server selection timed out,
 * the network failed, the pool was cleared, the client is closed), as opposed to an error in
 * the operation itself (a duplicate key, a bad query). Such errors answer 503.
 */
export function isDatabaseUnavailableError (err: unknown): boolean {
  return isTaoError(err, 'TAO_ERR_DB_UNAVAILABLE') || outageCause(err) !== null
}

/**
 * `err` as a TAO_ERR_DB_UNAVAILABLE (503) naming `host`, when it is an outage; else null.
 * `scrub` removes secrets from the driver's reason; `retryAfter` (seconds) becomes the answer's
 * Retry-After header.
 */
export function toUnavailableError (err: unknown, host: string, scrub: (text: string) => string = (t) => t, retryAfter = 5): TaoError | null {
  if (isTaoError(err)) return null
  const cause = outageCause(err)
  if (!cause) return null
  const reason = `${cause.name}: ${scrub(cause.message.split('\n')[0] ?? '')}`
  return taoError('TAO_ERR_DB_UNAVAILABLE', [host, reason], { host, retryAfter }, { cause: err })
}

/** MongoDB's MaxTimeMSExpired: the server stopped an operation at its maxTimeMS. */
const MAX_TIME_MS_EXPIRED = 50

/**
 * `err` as a TAO_ERR_DB_TIMEOUT (503) when the server stopped the operation at its maxTimeMS
 * (the request's database deadline, or the handler's own maxTimeMS); else null.
 */
export function toTimeoutError (err: unknown, route: string, host: string, retryAfter = 5): TaoError | null {
  if (isTaoError(err) || !(err instanceof Error) || (err as { code?: unknown }).code !== MAX_TIME_MS_EXPIRED) return null
  return taoError('TAO_ERR_DB_TIMEOUT', [route, "its operation's maxTimeMS (the server stopped it)", host], { host, retryAfter }, { cause: err })
}
