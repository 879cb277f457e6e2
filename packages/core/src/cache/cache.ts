import { BSON } from 'mongodb'
import { isTaoError, taoError } from '../errors/index.js'
import { duration } from '../settings/validate.js'
import type { CacheBackend } from './backend.js'

/** A lifetime: milliseconds, or a string such as '30s', '5m', '2h'; 0 keeps the entry until evicted. */
export type CacheTtl = number | string

/** Called when the backend fails (Redis down): reads and writes then act as misses. */
export type CacheErrorHandler = (err: unknown, op: 'get' | 'set' | 'delete', key: string) => void

const MAX_KEY = 1000

/** Milliseconds of `ttl`; numbers pass through without parsing. @throws TAO_ERR_CACHE_TTL_INVALID */
export function ttlMs (ttl: CacheTtl | undefined, fallback: number, where: string): number {
  if (ttl === undefined) return fallback
  if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0) return ttl
  const problems: string[] = []
  const ms = duration(fallback)(ttl, where, problems)
  if (problems.length > 0) throw taoError('TAO_ERR_CACHE_TTL_INVALID', [where, JSON.stringify(ttl) ?? String(ttl)])
  return ms
}

function checkKey (key: unknown, where: string): asserts key is string {
  if (typeof key !== 'string' || key === '') throw taoError('TAO_ERR_CACHE_KEY_INVALID', [where, `got ${key === '' ? 'an empty string' : typeof key}`])
  if (key.length > MAX_KEY) throw taoError('TAO_ERR_CACHE_KEY_INVALID', [where, `it has ${key.length} characters`])
}

/** Extended JSON (relaxed): Dates, ObjectIds and other BSON values come back with their types. */
function serialize (key: string, value: unknown): string {
  if (value === undefined) throw taoError('TAO_ERR_CACHE_VALUE_INVALID', [key, 'it is undefined'])
  try {
    return BSON.EJSON.stringify(value, { relaxed: true })
  } catch (err) {
    throw taoError('TAO_ERR_CACHE_VALUE_INVALID', [key, (err as Error).message])
  }
}

const parse = (text: string): unknown => BSON.EJSON.parse(text, { relaxed: true })

/** What every namespaced view of one backend shares. */
export interface CacheCore {
  readonly backend: CacheBackend
  /** Lifetime of values set without one (settings.cache.ttl), ms. */
  readonly defaultTtl: number
  /** Computations in flight by full key: the stampede guard of {@link Cache.wrap}, per process. */
  readonly inflight: Map<string, Promise<string | undefined>>
  readonly onError: CacheErrorHandler
}

/**
 * A view of the project's cache under one namespace (`<redis.prefix>cache:<app>:`): what `req.cache`,
 * `app.cache('blog')` and `ctx.cache` give. Values are stored as Extended JSON, so what comes
 * back is a copy with its Dates and ObjectIds. When the backend fails (Redis unreachable),
 * `get` and `wrap` act as if nothing was cached and `set` stores nothing, each failure
 * reported to the log; only `delete` rejects, since a failed invalidation must not pass
 * unnoticed.
 * @see docs/reference/cache.md
 */
export class Cache {
  /** The prefix of every key of this view, e.g. 'tao:tao:cache:blog:'. */
  readonly namespace: string
  readonly #core: CacheCore

  constructor (core: CacheCore, namespace: string) {
    this.#core = core
    this.namespace = namespace
  }

  /** The backend's kind: 'memory' (this process) or 'redis' (shared). */
  get backend (): 'memory' | 'redis' {
    return this.#core.backend.kind
  }

  /** The value under `key`, or undefined. @throws TAO_ERR_CACHE_KEY_INVALID */
  async get<T = unknown> (key: string): Promise<T | undefined> {
    checkKey(key, 'cache.get()')
    const text = await this.#read(this.namespace + key)
    return text === undefined ? undefined : parse(text) as T
  }

  /**
   * Stores `value` under `key` for `ttl` (default settings.cache.ttl).
   * @throws TAO_ERR_CACHE_KEY_INVALID, TAO_ERR_CACHE_TTL_INVALID, TAO_ERR_CACHE_VALUE_INVALID
   */
  async set (key: string, value: unknown, ttl?: CacheTtl): Promise<void> {
    checkKey(key, 'cache.set()')
    const ms = ttlMs(ttl, this.#core.defaultTtl, `cache.set('${key}')`)
    await this.#write(this.namespace + key, serialize(key, value), ms)
  }

  /** Removes `key`. @throws TAO_ERR_CACHE_UNAVAILABLE when the backend cannot be reached. */
  async delete (key: string): Promise<void> {
    checkKey(key, 'cache.delete()')
    try {
      await this.#core.backend.delete(this.namespace + key)
    } catch (err) {
      this.#core.onError(err, 'delete', this.namespace + key)
      throw taoError('TAO_ERR_CACHE_UNAVAILABLE', ['delete', key, (err as Error).message], undefined, { cause: err })
    }
  }

  /**
   * The value under `key`; on a miss, `fn()`'s result, stored for `ttl` (an undefined result
   * is returned but not stored). Concurrent calls for one key in this process share one
   * computation (stampede guard): `fn` runs once and every caller gets its result (or error).
   * @example const posts = await req.cache.wrap('front', '60s', () => Post.of(req).find().toArray())
   * @throws TAO_ERR_CACHE_KEY_INVALID, TAO_ERR_CACHE_TTL_INVALID, TAO_ERR_CACHE_VALUE_INVALID, or fn's error
   */
  async wrap<T> (key: string, ttl: CacheTtl, fn: () => T | Promise<T>): Promise<T> {
    checkKey(key, 'cache.wrap()')
    const ms = ttlMs(ttl, this.#core.defaultTtl, `cache.wrap('${key}')`)
    const full = this.namespace + key
    const { inflight } = this.#core
    let pending = inflight.get(full)
    if (pending === undefined) {
      pending = this.#compute(full, key, ms, fn)
      inflight.set(full, pending)
      // Removed when settled, whoever awaits it: the next miss computes afresh.
      const done = (): void => { if (inflight.get(full) === pending) inflight.delete(full) }
      pending.then(done, done)
    }
    const text = await pending
    // Each caller parses its own copy: one caller changing its value never changes another's.
    return (text === undefined ? undefined : parse(text)) as T
  }

  async #compute<T> (full: string, key: string, ms: number, fn: () => T | Promise<T>): Promise<string | undefined> {
    const hit = await this.#read(full)
    if (hit !== undefined) return hit
    const value = await fn()
    if (value === undefined) return undefined
    const text = serialize(key, value)
    await this.#write(full, text, ms)
    return text
  }

  async #read (full: string): Promise<string | undefined> {
    try {
      return await this.#core.backend.get(full)
    } catch (err) {
      this.#core.onError(err, 'get', full)
      return undefined
    }
  }

  async #write (full: string, text: string, ms: number): Promise<void> {
    try {
      await this.#core.backend.set(full, text, ms)
    } catch (err) {
      if (isTaoError(err)) throw err
      this.#core.onError(err, 'set', full)
    }
  }
}
