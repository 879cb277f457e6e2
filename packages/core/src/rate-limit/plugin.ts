import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AttemptStore } from '../auth/throttle.js'
import { throttledReporter } from '../cache/caches.js'
import { taoError } from '../errors/index.js'
import { kRateLimits } from '../symbols.js'
import { fastifyStore } from './fastify-store.js'
import type { RateLimits } from './limit.js'

declare module 'fastify' {
  interface FastifyInstance {
    [kRateLimits]: RateLimits
  }
}

/** Options of {@link rateLimitPlugin}. */
export interface RateLimitPluginOptions {
  /** The counters chosen at boot: memory (per process) or Redis (shared). */
  counters: AttemptStore
  store: 'memory' | 'redis'
  /** settings.redis.prefix: counters live under `<prefix>rl:`. */
  prefix: string
  /** Whether a route declares `rateLimit`: without one, @fastify/rate-limit is not even imported. */
  routeLimits: boolean
}

/**
 * `tao:rate-limit` (root context): the counters of the programmatic limits
 * (`defineRateLimit`), and @fastify/rate-limit with `global: false` over the same counters, so
 * only routes declaring `rateLimit` get its hook (armed by its onRoute at boot). Past the limit
 * a route answers TAO_ERR_RATE_LIMITED (429) with Retry-After and the X-RateLimit-* headers.
 * When the counters fail (Redis down) requests are let through and the failure logged.
 */
async function rateLimit (fastify: FastifyInstance, opts: RateLimitPluginOptions): Promise<void> {
  const namespace = `${opts.prefix}rl:`
  const onError = throttledReporter(fastify.log, `rate limits (${opts.store})`)
  fastify.decorate(kRateLimits, Object.freeze({ store: opts.store, counters: opts.counters, namespace, onError }))
  if (!opts.routeLimits) return
  // Imported only when a route declares a limit (its own modules and ip-address's, some 20).
  const { default: fastifyRateLimit } = await import('@fastify/rate-limit')
  // The store reports its own failures, then lets @fastify/rate-limit skip the limit (skipOnError).
  const counters: AttemptStore = {
    peek: (key) => opts.counters.peek(key).catch((err: unknown) => { onError(err, 'hit', key); throw err }),
    hit: (key, ms) => opts.counters.hit(key, ms).catch((err: unknown) => { onError(err, 'hit', key); throw err }),
    clear: (key) => opts.counters.clear(key),
  }
  await fastify.register(fastifyRateLimit, {
    global: false,
    store: fastifyStore(counters, namespace) as never,
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => {
      const retryAfter = Math.max(1, Math.ceil(ctx.ttl / 1000))
      return taoError('TAO_ERR_RATE_LIMITED', [retryAfter], { retryAfter })
    },
  })
}

export const rateLimitPlugin = fp(rateLimit, { name: 'tao:rate-limit', fastify: '5.x' })
