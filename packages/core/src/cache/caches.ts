import type { FastifyBaseLogger } from 'fastify'
import { didYouMean, taoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import type { CacheBackend } from './backend.js'
import { Cache, type CacheCore } from './cache.js'
import { MemoryBackend } from './memory-backend.js'

/**
 * Reports backend failures without flooding the log during an outage: the first failure, then
 * at most one line a second with the number of failures since the last line.
 */
export function throttledReporter (log: FastifyBaseLogger, what: string): ((err: unknown, op: string, key: string) => void) & { failures: number } {
  let last = 0
  let unreported = 0
  const report = Object.assign((err: unknown, op: string, key: string): void => {
    report.failures++
    unreported++
    const now = Date.now()
    if (now - last < 1000) return
    last = now
    log.warn({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code }, op, key, failures: unreported }, `${what}: ${op} failed (${unreported} failure${unreported === 1 ? '' : 's'} since the last report); acting as a miss`)
    unreported = 0
  }, { failures: 0 })
  return report
}

/**
 * The caches of one tao app: the backend built once at boot, one {@link Cache} per app
 * (namespace `<redis.prefix>cache:<app>:`, made at boot) and the project's own
 * (`<redis.prefix>cache::`), the
 * stampede guard shared by all of them, and the process-local LRU of template fragments
 * (renders are synchronous, so fragments never wait for Redis).
 */
export class Caches {
  /** The start of every cache key: settings.redis.prefix + 'cache:' ('tao:tao:cache:' by default). */
  readonly prefix: string
  readonly backend: CacheBackend
  /** Template fragments: the backend itself when it is the memory one, else a local LRU. */
  readonly local: MemoryBackend
  /** The project-level cache (code outside any app). */
  readonly project: Cache
  /** Failures of the backend so far (Redis unreachable). */
  readonly report: ReturnType<typeof throttledReporter>
  readonly #apps = new Map<string, Cache>()
  readonly #core: CacheCore

  constructor (settings: Settings, apps: readonly string[], backend: CacheBackend, log: FastifyBaseLogger) {
    this.prefix = `${settings.redis.prefix}cache:`
    this.backend = backend
    this.local = backend instanceof MemoryBackend ? backend : new MemoryBackend(settings.cache.maxSize)
    this.report = throttledReporter(log, `cache (${backend.kind})`)
    this.#core = Object.freeze({ backend, defaultTtl: settings.cache.ttl, inflight: new Map(), onError: this.report })
    this.project = new Cache(this.#core, `${this.prefix}:`)
    for (const app of apps) this.#apps.set(app, new Cache(this.#core, `${this.prefix}${app}:`))
  }

  /**
   * The cache of app `app` (the project's own for undefined).
   * @throws TAO_ERR_APP_NOT_FOUND for an app this project does not have
   */
  for (app: string | undefined): Cache {
    if (app === undefined) return this.project
    const cache = this.#apps.get(app)
    if (cache !== undefined) return cache
    const known = [...this.#apps.keys()]
    throw taoError('TAO_ERR_APP_NOT_FOUND', [app, known.join(', ') || '(none)', didYouMean(app, known)])
  }

  /** A view under an internal namespace of tao's own (`<prefix>~<name>:`), e.g. route responses. */
  internal (name: string): Cache {
    return new Cache(this.#core, `${this.prefix}~${name}:`)
  }
}
