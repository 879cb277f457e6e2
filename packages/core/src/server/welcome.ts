import type { FastifyInstance } from 'fastify'
import type { AppRegistry } from '../apps/index.js'
import type { Settings } from '../settings/index.js'

/** The template of the welcome page (a project may override it with templates/tao/welcome.html). */
export const WELCOME_TEMPLATE = 'tao:welcome.html'

/** True when no route of the project answers GET `/`: then tao's welcome page does. */
export function needsWelcome (registry: AppRegistry): boolean {
  return !registry.routes.some((r) => r.path === '/' && r.kind !== 'ws' && r.methods.includes('GET'))
}

/** Options of {@link welcomePlugin}. */
export interface WelcomeOptions {
  settings: Settings
  registry: AppRegistry
}

/**
 * The page a new project shows at `/`, like Django's "The install worked successfully!": it
 * says the project runs, lists its apps and the next commands. Registered only while no route
 * of the project answers GET `/`, so the project's own `/` replaces it as soon as it exists.
 */
export async function welcomePlugin (scope: FastifyInstance, opts: WelcomeOptions): Promise<void> {
  if (!needsWelcome(opts.registry)) return
  // Computed once: the page only changes when the project does, and then the server restarts.
  const context = Object.freeze({
    debug: opts.settings.debug,
    apps: opts.registry.apps.filter((a) => a.origin !== 'builtin').map((a) => a.name),
    routes: opts.registry.routes.filter((r) => r.kind !== 'ws').map((r) => ({ name: r.name, path: r.path })),
  })
  scope.get('/', { config: { taoRoute: 'tao:welcome', taoApp: 'tao' } }, async (_req, reply) => {
    // Not a page of the site: search engines should not index it.
    return reply.header('x-robots-tag', 'noindex').render(WELCOME_TEMPLATE, context)
  })
}
