import type { FastifyInstance, RouteOptions as FastifyRouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import { kReverse } from '../symbols.js'
import type { Reverser } from './reverse.js'
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
  }
  interface FastifyInstance {
    [kReverse]: Reverser
  }
}

export interface RoutingPluginOptions {
  registry: AppRegistry
  reverser: Reverser
}

/**
 * Registers every HTTP route of the project's apps with Fastify and decorates the reply with
 * `redirectTo`. Websocket routes are registered by the websocket concern.
 */
async function routing (fastify: FastifyInstance, opts: RoutingPluginOptions): Promise<void> {
  fastify.decorate(kReverse, opts.reverser)
  fastify.decorateReply('redirectTo', function (name: string, ...args: unknown[]) {
    const [params, query, status] = args as [Record<string, unknown> | undefined, Query | undefined, number | undefined]
    return this.redirect(this.server[kReverse].url(name, params, query), status ?? 302)
  })
  for (const r of opts.registry.routes) {
    if (r.kind !== 'http') continue
    const { name: _name, csrf, config, ...fastifyOptions } = r.options
    fastify.route({
      ...fastifyOptions,
      method: [...r.methods],
      url: r.path,
      handler: r.handler as FastifyRouteOptions['handler'],
      config: { ...config, taoRoute: r.name, taoApp: r.app, csrf: csrf !== false },
    })
  }
}

export const routingPlugin = fp(routing, { name: 'tao:routing', fastify: '5.x' })
