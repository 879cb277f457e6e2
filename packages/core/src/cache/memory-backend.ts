import { LRUCache } from 'lru-cache'
import type { CacheBackend } from './backend.js'

/**
 * The memory backend: one bounded LRU per process (lru-cache), counted in bytes of keys and
 * values, so a flood of distinct keys (one per URL of a crawler) evicts the least recently used
 * entries instead of growing the heap. Expired entries are dropped when read, not by a timer.
 * Its synchronous side ({@link MemoryBackend.getSync}) serves the template fragment cache,
 * since renders are synchronous.
 */
export class MemoryBackend implements CacheBackend {
  readonly kind = 'memory'
  readonly #lru: LRUCache<string, string>

  /** @param maxSize most bytes (UTF-16 code units, counted as 2 bytes) of keys and values held. */
  constructor (maxSize: number) {
    this.#lru = new LRUCache<string, string>({
      maxSize,
      // One entry may take at most a quarter of the cache: a huge page cannot flush everything.
      maxEntrySize: Math.max(1, Math.floor(maxSize / 4)),
      sizeCalculation: (value, key) => 2 * (value.length + key.length) || 1,
    })
  }

  /** The text under `key`, synchronously. */
  getSync (key: string): string | undefined {
    return this.#lru.get(key)
  }

  /** Stores `value` under `key` for `ttl` ms (0: until evicted), synchronously. */
  setSync (key: string, value: string, ttl: number): void {
    this.#lru.set(key, value, ttl > 0 ? { ttl } : undefined)
  }

  async get (key: string): Promise<string | undefined> {
    return this.#lru.get(key)
  }

  async set (key: string, value: string, ttl: number): Promise<void> {
    this.setSync(key, value, ttl)
  }

  async delete (key: string): Promise<void> {
    this.#lru.delete(key)
  }

  /** Number of entries held (for tests and the debug toolbar). */
  get size (): number {
    return this.#lru.size
  }
}
