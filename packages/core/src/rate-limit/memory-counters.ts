import { LRUCache } from 'lru-cache'
import type { AttemptCount, AttemptStore } from '../auth/throttle.js'

/**
 * Fixed-window counters in this process's memory: one bounded LRU (lru-cache) of at most
 * `maxKeys` live keys, each expiring with its window, so a flood of distinct clients forgets
 * the least recently seen instead of growing the heap. Per process: with several workers or
 * machines, each counts alone (configure Redis to share them).
 */
export function memoryCounters (maxKeys: number): AttemptStore {
  const lru = new LRUCache<string, AttemptCount>({ max: maxKeys, ttlAutopurge: false })
  const live = (key: string, now: number): AttemptCount | null => {
    const c = lru.get(key)
    return c !== undefined && c.resetAt.getTime() > now ? c : null
  }
  return {
    async peek (key) {
      const c = live(key, Date.now())
      return c === null ? null : { ...c }
    },
    async hit (key, windowMs) {
      const now = Date.now()
      const c = live(key, now)
      if (c !== null) {
        c.count++
        return { ...c }
      }
      const fresh = { count: 1, resetAt: new Date(now + windowMs) }
      lru.set(key, fresh, { ttl: windowMs })
      return { ...fresh }
    },
    async clear (key) {
      lru.delete(key)
    },
  }
}
