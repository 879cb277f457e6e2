import { resolve } from 'node:path'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { loadApps } from '../apps/index.js'
import { Reverser } from '../routing/reverse.js'
import { routingPlugin } from '../routing/register.js'
import { loadServices } from '../services/load.js'
import { loadSettings, type Settings, type UserSettings } from '../settings/index.js'
import { errorPagesPlugin } from './error-pages.js'
import { healthPlugin } from './health.js'
import { TaoApp } from './tao-app.js'

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** Project root (default: the current directory). */
  root?: string
  /** Where compiled modules live (settings.js, apps/<name>/routes.js), after `tao build`. Default: root. */
  modulesRoot?: string
  /** Settings applied over the project's settings.ts (tests use this). */
  settings?: UserSettings
  /** Use only `settings`, with no settings file (a project-less app). */
  inline?: boolean
  /** Environment for TAO_* overrides (default: process.env over the project's .env). */
  env?: NodeJS.ProcessEnv
}

function fastifyOptions (settings: Settings): FastifyServerOptions {
  const s = settings.server
  const trustProxy = Array.isArray(s.trustProxy) && s.trustProxy.length === 0 ? false : s.trustProxy
  return {
    logger: settings.logLevel === 'silent' ? false : { level: settings.logLevel },
    trustProxy: trustProxy as FastifyServerOptions['trustProxy'],
    requestTimeout: s.requestTimeout,
    keepAliveTimeout: s.keepAliveTimeout,
    connectionTimeout: s.connectionTimeout,
    bodyLimit: s.bodyLimit,
    // Shutdown drains connections itself (server/drain.ts): requests arriving on open
    // connections while it drains are served, with Connection: close.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }
}

/**
 * Creates a tao application for a project:
 *   1. load and validate settings (settings.ts, .env, TAO_* variables);
 *   2. discover the apps and import their routes;
 *   3. build the reverse-URL map (once; requests only read it);
 *   4. import every app's services.ts (nothing starts yet);
 *   5. create the Fastify server and register each concern as a plugin.
 * Nothing listens and no service runs until `listen()` (or `start()`).
 * @throws TaoError for any setup problem, naming the file and how to fix it.
 */
export async function createApp (opts: CreateAppOptions = {}): Promise<TaoApp> {
  const root = resolve(opts.root ?? process.cwd())
  const modulesRoot = resolve(opts.modulesRoot ?? root)
  const settings = await loadSettings({ root, modulesRoot, overrides: opts.settings, env: opts.env, inline: opts.inline })
  const registry = await loadApps(settings, modulesRoot)
  const reverser = new Reverser(new Map(registry.routes.map((r) => [r.name, r.path])))
  const services = await loadServices(registry)

  const fastify = Fastify(fastifyOptions(settings))
  const app = new TaoApp(fastify, settings, registry, reverser, services)
  // Root context: what every request goes through, static files included.
  await fastify.register(errorPagesPlugin, { debug: settings.debug, registry })
  // Health endpoints: root context, outside pages (no session); not logged per request.
  await fastify.register(healthPlugin, { ...settings.server.health, readiness: () => app.readiness() })
  // Static files: a sibling context, so they never run session, CSRF or database code.
  // Pages: one encapsulated context for everything dynamic (session, forms, db, routes).
  await fastify.register(async function pages (scope) {
    await scope.register(routingPlugin, { registry, reverser })
  })
  return app
}
