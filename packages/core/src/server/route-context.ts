import { AsyncLocalStorage } from 'node:async_hooks'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import type { Settings } from '../settings/index.js'

// The route whose handler started the code running now, carried by Node's async context into
// the timers, promises and callbacks that handler started, so a crash can name it.
const routeContext = new AsyncLocalStorage<string>()

/**
 * The route (`GET /path`) whose handler started the work running now, when known: inside a
 * handler, and in the timers, promises and callbacks it started (even after it answered); also
 * in `uncaughtException` and `unhandledRejection` listeners for errors thrown there.
 */
export function currentRoute (): string | undefined {
  return routeContext.getStore()
}

/**
 * Whether handlers run in their route's context (settings.server.crashContext): 'auto' is on
 * with debug, or where Node's AsyncLocalStorage rides on V8's continuation data (Node 24+,
 * AsyncContextFrame). On Node 20 and 22 it installs async hooks that run on every promise of
 * every request, which the hello route would pay for.
 */
export function routeContextEnabled (settings: Pick<Settings, 'debug' | 'server'>): boolean {
  const chosen = settings.server.crashContext
  if (chosen !== 'auto') return chosen
  const major = Number(process.versions.node.split('.')[0])
  return settings.debug || (major >= 24 && !process.execArgv.includes('--no-async-context-frame'))
}

function call (handler: RouteHandlerMethod, self: FastifyInstance, req: FastifyRequest, reply: FastifyReply): unknown {
  return handler.call(self, req, reply)
}

/**
 * Runs each HTTP route handler of the project inside its route's async context (see
 * {@link currentRoute}). Wrapped once per route at boot; the route's label is built then.
 */
async function routeContexts (fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onRoute', (route) => {
    const config = route.config as { taoRoute?: string } | undefined
    if (config?.taoRoute === undefined || (route as { wsHandler?: unknown }).wsHandler !== undefined) return
    const label = `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`
    const handler = route.handler
    route.handler = function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      return routeContext.run(label, call, handler, this, req, reply)
    }
  })
}

export const routeContextPlugin = fp(routeContexts, { name: 'tao:route-context', fastify: '5.x' })
