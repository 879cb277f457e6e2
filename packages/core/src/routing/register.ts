import type { FastifyInstance, RouteOptions as FastifyRouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry, RouteRecord } from '../apps/index.js'
import { kReverse } from '../symbols.js'
import type { Reverser } from './reverse.js'
import { languagePrefix } from '../i18n/prefix.js'
import type { Settings } from '../settings/index.js'
import { routeRateLimit } from '../rate-limit/options.js'
import type { Query, RouteName, UrlArgs } from './types.js'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Redirects (302 by default) to the URL of route `name`.
     * @example return reply.redirectTo('blog:post', { slug })
     */
    redirectTo<N extends RouteName>(name: N, ...args: [...UrlArgs<N>, status?: number]): FastifyReply
  }
  interface FastifyContextConfig {
    /** The route's full name, 'app:name'. */
    taoRoute?: string
    /** The app the route belongs to. */
    taoApp?: string
    /** False when the route opted out of CSRF protection. */
    csrf?: boolean
    /** The route's own database deadline (its dbTimeout option), in ms. */
    taoDbTimeout?: number
    /** The database deadline its requests keep to, in ms (set at boot by the database concern). */
    taoDbDeadline?: number
    /** The route's response cache (route(..., { cache })), normalized: ttl in ms. */
    taoCache?: { ttl: number }
  }
  interface FastifyInstance {
    [kReverse]: Reverser
  }
}

export interface RoutingPluginOptions {
  registry: AppRegistry
  reverser: Reverser
  /**
   * Called first in the context of the routes that take request bodies (any method that is not
   * GET, HEAD, OPTIONS or TRACE), to register there the body parsing and CSRF hooks that
   * reading routes never run.
   */
  prepareBodyContext?: (scope: FastifyInstance) => Promise<void>
  /** With i18n.urlPrefix, redirectTo() keeps the language prefix of the request. */
  settings?: Pick<Settings, 'i18n' | 'defaultLanguage'>
}

/** Methods that change nothing and carry no body to read (RFC 9110 safe methods). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

function addRoute (fastify: FastifyInstance, r: RouteRecord): void {
  const { name: _name, csrf, timeout, dbTimeout, cache, rateLimit, config, ...fastifyOptions } = r.options
  fastify.route({
    ...fastifyOptions,
    method: [...r.methods],
    url: r.path,
    handler: r.handler as FastifyRouteOptions['handler'],
    config: {
      ...config,
      taoRoute: r.name,
      taoApp: r.app,
      csrf: csrf !== false,
      ...(timeout === undefined ? {} : { taoTimeout: timeout as number }),
      ...(dbTimeout === undefined ? {} : { taoDbTimeout: dbTimeout as number }),
      // Read by the cache and rate-limit concerns' onRoute hooks, once, at boot.
      ...(cache === undefined ? {} : { taoCache: cache as { ttl: number } }),
      ...(rateLimit === undefined ? {} : { rateLimit: routeRateLimit(rateLimit) }),
    },
  })
}

/**
 * Registers every HTTP route of the project's apps with Fastify and decorates the reply with
 * `redirectTo`. Routes that only read (safe methods) are registered here; routes that take a
 * body go into a child context prepared by `prepareBodyContext`, so the per-request hooks of
 * form parsing and CSRF cost a GET page nothing. Websocket routes are registered by the
 * websocket concern.
 */
async function routing (fastify: FastifyInstance, opts: RoutingPluginOptions): Promise<void> {
  fastify.decorate(kReverse, opts.reverser)
  const { settings } = opts
  fastify.decorateReply('redirectTo', settings?.i18n.urlPrefix
    ? function (name: string, ...args: unknown[]) {
      const [params, query, status] = args as [Record<string, unknown> | undefined, Query | undefined, number | undefined]
      return this.redirect(languagePrefix(settings, this.request.locale) + this.server[kReverse].url(name, params, query), status ?? 302)
    }
    : function (name: string, ...args: unknown[]) {
      const [params, query, status] = args as [Record<string, unknown> | undefined, Query | undefined, number | undefined]
      return this.redirect(this.server[kReverse].url(name, params, query), status ?? 302)
    })
  const writing: RouteRecord[] = []
  for (const r of opts.registry.routes) {
    if (r.kind !== 'http') continue
    if (r.methods.every((m) => SAFE_METHODS.has(m))) addRoute(fastify, r)
    else writing.push(r)
  }
  if (writing.length === 0) return
  await fastify.register(async function bodyRoutes (scope) {
    await opts.prepareBodyContext?.(scope)
    for (const r of writing) addRoute(scope, r)
  })
}

export const routingPlugin = fp(routing, { name: 'tao:routing', fastify: '5.x' })
