/**
 * Where a cache keeps its entries: text values under full keys (namespaced by {@link Cache}).
 * Values are serialized by the cache, so every backend stores the same text and a value read
 * back is a copy, whatever the backend: changing it never changes the cached entry.
 */
export interface CacheBackend {
  /** 'memory' (this process) or 'redis' (shared by every process and machine). */
  readonly kind: 'memory' | 'redis'
  /** The text under `key`, or undefined when there is none (or it expired). */
  get (key: string): Promise<string | undefined>
  /** Stores `value` under `key` for `ttl` ms (0: until evicted). */
  set (key: string, value: string, ttl: number): Promise<void>
  /** Removes `key`. */
  delete (key: string): Promise<void>
}
