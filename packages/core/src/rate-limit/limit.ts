import type { FastifyRequest } from 'fastify'
import type { AttemptStore } from '../auth/throttle.js'
import { taoError } from '../errors/index.js'
import type { RateLimitOptions } from '../routing/types.js'
import { kRateLimits } from '../symbols.js'
import { checkRateLimit, type NormalizedRateLimit } from './options.js'

/** What the rate-limit concern puts at the root of a tao app (`fastify[kRateLimits]`). */
export interface RateLimits {
  /** 'memory' (per process) or 'redis' (every process and machine). */
  readonly store: 'memory' | 'redis'
  /** The counters, under keys starting with {@link namespace}. */
  readonly counters: AttemptStore
  /** `<redis.prefix>rl:` */
  readonly namespace: string
  /** Called when the counters fail (Redis down): the request is then let through. */
  readonly onError: (err: unknown, op: 'hit', key: string) => void
}

/** The outcome of {@link RateLimit.check} when the request is allowed. */
export interface RateLimitResult {
  /** Requests counted in the current window, this one included. */
  count: number
  /** Requests left in the window. */
  remaining: number
  /** Seconds until the window resets. */
  resetIn: number
}

/**
 * A named limit to check from code: in a handler, a websocket handler, before a costly call.
 * Declared once (module level), checked per request.
 * @see docs/reference/cache.md
 */
export class RateLimit {
  readonly name: string
  readonly options: NormalizedRateLimit

  constructor (name: string, options: NormalizedRateLimit) {
    this.name = name
    this.options = options
  }

  /**
   * Counts one request of `req` (key: `key`, else the limit's `key(req)`, else the client
   * address) and resolves with what is left; past `max` in the window, rejects with
   * TAO_ERR_RATE_LIMITED (a 429 with Retry-After when it reaches the error handler). When the
   * counters cannot be reached (Redis down) the request is allowed and the failure logged.
   * @throws TAO_ERR_RATE_LIMITED, TAO_ERR_CACHE_NOT_READY (no rate-limit concern on this server)
   * @example await searchLimit.check(req)
   */
  async check (req: FastifyRequest, key?: string): Promise<RateLimitResult> {
    const limits = (req.server as { [kRateLimits]?: RateLimits })[kRateLimits]
    if (limits === undefined) throw taoError('TAO_ERR_CACHE_NOT_READY', [`Rate limit '${this.name}'`])
    const { max, window } = this.options
    const who = key ?? (this.options.key === undefined ? req.ip : await this.options.key(req))
    const full = `${limits.namespace}limit:${this.name}:${who}`
    let count: number
    let resetAt: number
    try {
      const c = await limits.counters.hit(full, window)
      count = c.count
      resetAt = c.resetAt.getTime()
    } catch (err) {
      limits.onError(err, 'hit', full)
      return { count: 0, remaining: max, resetIn: Math.ceil(window / 1000) }
    }
    const resetIn = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))
    if (count > max) throw taoError('TAO_ERR_RATE_LIMITED', [resetIn], { retryAfter: resetIn, limit: this.name })
    return { count, remaining: max - count, resetIn }
  }
}

/**
 * Declares a rate limit for code to check: at most `max` per `window` and key. Counted in
 * Redis when the project configures it (every machine), else in each process.
 * @example export const searchLimit = defineRateLimit('search', { max: 30, window: '1m' })
 * @throws TAO_ERR_RATE_LIMIT_INVALID
 */
export function defineRateLimit (name: string, options: RateLimitOptions): RateLimit {
  if (typeof name !== 'string' || !/^[\w.:-]{1,100}$/.test(name)) {
    throw taoError('TAO_ERR_RATE_LIMIT_INVALID', [`named ${JSON.stringify(name)}`, "the name must be letters, digits and '_.:-'"])
  }
  return new RateLimit(name, checkRateLimit(`'${name}'`, options))
}
