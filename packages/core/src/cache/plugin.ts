import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import { debugToolbarEnabled } from '../debug/enabled.js'
import type { Settings } from '../settings/index.js'
import { kCache, kTemplates } from '../symbols.js'
import type { CacheBackend } from './backend.js'
import type { Cache } from './cache.js'
import { Caches } from './caches.js'
import { CacheTag } from './fragment-tag.js'
import { installRouteCache } from './route-cache.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The cache of the app this request's route belongs to (keys under `<redis.prefix>cache:<app>:`), or
     * the project's own outside any app's route: `get`, `set`, `delete`, `wrap`.
     * @see docs/reference/cache.md
     */
    readonly cache: Cache
  }
  interface FastifyInstance {
    [kCache]: Caches
  }
}

/** Options of {@link cachePlugin}. */
export interface CachePluginOptions {
  settings: Settings
  registry: AppRegistry
  /** The backend chosen at boot (cache/select.ts). */
  backend: CacheBackend
  /** Resolves when the stores can answer (the Redis connection is ready, or gave up for now). */
  ready?: () => Promise<void>
}

/**
 * `tao:cache` (root context, after tao:templates):
 *   1. builds the caches once: one namespaced view per app over the one backend;
 *   2. decorates `req.cache` (a getter: nothing happens until a handler reads it);
 *   3. adds the `{% cache %}` template tag;
 *   4. arms response caching on the routes that ask for it (onRoute: other routes get no hook).
 *      Under the debug toolbar responses are not cached: the toolbar is injected into each page.
 */
async function cache (fastify: FastifyInstance, opts: CachePluginOptions): Promise<void> {
  const { settings } = opts
  const caches = new Caches(settings, opts.registry.apps.map((a) => a.name), opts.backend, fastify.log)
  fastify.decorate(kCache, caches)
  fastify.decorateRequest('cache', {
    getter (this: FastifyRequest) {
      return caches.for((this.routeOptions.config as { taoApp?: string } | undefined)?.taoApp)
    },
  })
  fastify[kTemplates].addExtension('cache', new CacheTag(caches.local, caches.prefix))
  if (opts.ready !== undefined) fastify.addHook('onReady', opts.ready)
  if (!debugToolbarEnabled(settings)) {
    installRouteCache(fastify, { pages: caches.internal('page'), sessionCookie: settings.session.cookieName })
  }
}

export const cachePlugin = fp(cache, { name: 'tao:cache', fastify: '5.x', dependencies: ['tao:templates'] })
