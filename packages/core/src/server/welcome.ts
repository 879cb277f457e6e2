import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppRegistry } from '../apps/index.js'
import type { Settings } from '../settings/index.js'

/** The template of the welcome page (a project may override it with templates/tao/welcome.html). */
export const WELCOME_TEMPLATE = 'tao:welcome.html'

/** True when no route of the project answers GET `/`: then tao's welcome page does. */
export function needsWelcome (registry: AppRegistry): boolean {
  return !registry.routes.some((r) => r.path === '/' && r.kind !== 'ws' && r.methods.includes('GET'))
}

/**
 * The page a new project shows at `/`, like Django's "The install worked successfully!": it
 * says the project runs, lists its apps, routes and the next commands. Like Django's, it is
 * the not-found answer for `/` (no route is added), so it is there only while no route of the
 * project answers GET `/`. Returns the handler (true when it answered), or null when the
 * project has its own `/`.
 */
export function buildWelcome (settings: Settings, registry: AppRegistry): ((req: FastifyRequest, reply: FastifyReply) => Promise<boolean>) | null {
  if (!needsWelcome(registry)) return null
  // Computed once: the page only changes when the project does, and then the server restarts.
  // The project's apps and routes are listed under debug only: a deployed site tells no one
  // its URL map.
  const context = Object.freeze({
    debug: settings.debug,
    apps: settings.debug ? registry.apps.filter((a) => a.origin !== 'builtin').map((a) => a.name) : [],
    routes: settings.debug ? registry.routes.filter((r) => r.kind !== 'ws').map((r) => ({ name: r.name, path: r.path })) : [],
  })
  return async (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url.split('?')[0] !== '/') return false
    // Not a page of the site: search engines should not index it.
    reply.code(200).header('x-robots-tag', 'noindex').render(WELCOME_TEMPLATE, context)
    return true
  }
}
