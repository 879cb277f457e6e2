import { taoError } from '../errors/index.js'
import type { RateLimitOptions } from '../routing/types.js'
import { duration } from '../settings/validate.js'

/** A rate limit with its window in milliseconds. */
export interface NormalizedRateLimit extends RateLimitOptions {
  readonly window: number
}

/**
 * Checks and normalizes a rate limit once, where it is declared (the window in ms).
 * @throws TAO_ERR_RATE_LIMIT_INVALID naming `where` and the bad field
 */
export function checkRateLimit (where: string, value: unknown): NormalizedRateLimit {
  const bad = (reason: string): never => { throw taoError('TAO_ERR_RATE_LIMIT_INVALID', [where, reason]) }
  if (typeof value !== 'object' || value === null) return bad(`expected an object, got ${value === null ? 'null' : typeof value}`)
  const { max, window, key } = value as Record<string, unknown>
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) bad(`max must be a whole number of at least 1, got ${JSON.stringify(max)}`)
  const problems: string[] = []
  const ms = duration(0)(window, 'window', problems)
  if (window === undefined || problems.length > 0 || ms < 1) bad(`window must be a duration such as '1m' or 60000, got ${JSON.stringify(window)}`)
  if (key !== undefined && typeof key !== 'function') bad(`key must be a function (req) => string, got ${typeof key}`)
  return Object.freeze({ max: max as number, window: ms, ...(key === undefined ? {} : { key: key as RateLimitOptions['key'] }) })
}

/** A route's limit as @fastify/rate-limit reads it from the route's config (counted per route). */
export function routeRateLimit (limit: RateLimitOptions): { max: number, timeWindow: number, keyGenerator?: RateLimitOptions['key'] } {
  return { max: limit.max, timeWindow: limit.window as number, ...(limit.key === undefined ? {} : { keyGenerator: limit.key }) }
}
