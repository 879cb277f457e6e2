import type { AttemptStore } from '../auth/throttle.js'
import { toRedisError, type RedisConnections } from '../redis/index.js'
import type { Settings } from '../settings/index.js'

/**
 * `store` with every key under `prefix`, and its failures passed through `onError` (which
 * throws what callers should see, e.g. a 503 TaoError naming Redis).
 */
export function namespaced (store: AttemptStore, prefix: string, onError: (err: unknown) => never): AttemptStore {
  return {
    peek: (key) => store.peek(prefix + key).catch(onError),
    hit: (key, windowMs) => store.hit(prefix + key, windowMs).catch(onError),
    clear: (key) => store.clear(prefix + key).catch(onError),
  }
}

/**
 * The login throttle's counters in Redis, under `<redis.prefix>auth:throttle:`. They fail
 * closed: while Redis is unreachable a login answers TAO_ERR_REDIS_UNAVAILABLE (503) rather than
 * letting password guesses through uncounted.
 */
export function loginCounters (counters: AttemptStore, settings: Pick<Settings, 'redis'>, redis: RedisConnections): AttemptStore {
  const url = redis.url ?? ''
  return namespaced(counters, `${settings.redis.prefix}auth:throttle:`, (err) => { throw toRedisError(err, url) })
}
