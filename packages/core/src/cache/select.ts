import type { Redis } from 'ioredis'
import type { AttemptStore } from '../auth/throttle.js'
import type { RedisConnections } from '../redis/index.js'
import { memoryCounters } from '../rate-limit/memory-counters.js'
import { redisCounters } from '../rate-limit/redis-counters.js'
import type { Settings } from '../settings/index.js'
import type { CacheBackend } from './backend.js'
import { MemoryBackend } from './memory-backend.js'
import { RedisBackend } from './redis-backend.js'

/** The stores chosen at boot for the cache and the rate limits. */
export interface SharedStores {
  cache: CacheBackend
  counters: AttemptStore
  countersKind: 'memory' | 'redis'
  /**
   * Resolves once the Redis connection is ready (at most settings.redis.connectTimeout), so the
   * first requests do not miss while it connects; at once with no Redis. Never rejects: a Redis
   * down at boot only means misses until it is back.
   */
  ready: () => Promise<void>
}

/** Resolves when `client` is ready or after `ms`, whichever comes first. */
async function readyWithin (client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return
  await new Promise<void>((resolve) => {
    const done = (): void => { clearTimeout(timer); client.off('ready', done); resolve() }
    const timer = setTimeout(done, ms)
    client.once('ready', done)
  })
}

/**
 * Chooses, once at boot, where cached values and rate-limit counters live: 'auto' is Redis
 * when the project configures one (settings.redis.url, TAO_REDIS_URL), memory otherwise. Both
 * Redis stores use the app's one shared command connection.
 * @throws TAO_ERR_REDIS_NOT_CONFIGURED when a setting asks for Redis and no URL is set
 */
export function selectStores (settings: Settings, redis: RedisConnections): SharedStores {
  const wants = (choice: 'auto' | 'memory' | 'redis') => choice === 'redis' || (choice === 'auto' && redis.configured)
  // Asked for here, at boot, so a missing URL fails the start; the connection is made lazily.
  const client = (what: string) => { redis.client(what); return () => redis.client(what) }
  const cacheRedis = wants(settings.cache.backend)
  const countersRedis = wants(settings.rateLimit.store)
  return {
    cache: cacheRedis ? new RedisBackend(client("the cache (settings.cache.backend 'redis')")) : new MemoryBackend(settings.cache.maxSize),
    counters: countersRedis ? redisCounters(client("rate limits (settings.rateLimit.store 'redis')")) : memoryCounters(settings.rateLimit.maxKeys),
    countersKind: countersRedis ? 'redis' : 'memory',
    ready: cacheRedis || countersRedis ? () => readyWithin(redis.client('the cache'), settings.redis.connectTimeout) : async () => {},
  }
}
