import type { AttemptStore } from '../auth/throttle.js'
import { taoError } from '../errors/index.js'
import { memoryCounters } from '../rate-limit/memory-counters.js'
import type { Settings } from '../settings/index.js'
import type { CacheBackend } from './backend.js'
import { MemoryBackend } from './memory-backend.js'

/** The stores chosen at boot for the cache and the rate limits. */
export interface SharedStores {
  cache: CacheBackend
  counters: AttemptStore
  countersKind: 'memory' | 'redis'
}

/**
 * Chooses, once at boot, where cached values and rate-limit counters live: 'auto' is Redis
 * when the project configures one, memory otherwise.
 * @throws TAO_ERR_CACHE_REDIS_MISSING when a setting asks for Redis and none is configured
 */
export function selectStores (settings: Settings): SharedStores {
  if (settings.cache.backend === 'redis') throw taoError('TAO_ERR_CACHE_REDIS_MISSING', ['settings.cache.backend'])
  if (settings.rateLimit.store === 'redis') throw taoError('TAO_ERR_CACHE_REDIS_MISSING', ['settings.rateLimit.store'])
  return {
    cache: new MemoryBackend(settings.cache.maxSize),
    counters: memoryCounters(settings.rateLimit.maxKeys),
    countersKind: 'memory',
  }
}
