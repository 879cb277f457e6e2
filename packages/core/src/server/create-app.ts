import { resolve } from 'node:path'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { loadApps } from '../apps/index.js'
import { Reverser } from '../routing/reverse.js'
import { routingPlugin } from '../routing/register.js'
import { loadSettings, type Settings, type UserSettings } from '../settings/index.js'
import { channelsPlugin, websocketPlugin } from '../websocket/index.js'
import { errorPagesPlugin } from './error-pages.js'
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
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }
}

/**
 * Creates a tao application for a project:
 *   1. load and validate settings (settings.ts, .env, TAO_* variables);
 *   2. discover the apps and import their routes;
 *   3. build the reverse-URL map (once; requests only read it);
 *   4. create the Fastify server and register each concern as a plugin.
 * Nothing listens until `listen()`.
 * @throws TaoError for any setup problem, naming the file and how to fix it.
 */
export async function createApp (opts: CreateAppOptions = {}): Promise<TaoApp> {
  const root = resolve(opts.root ?? process.cwd())
  const modulesRoot = resolve(opts.modulesRoot ?? root)
  const settings = await loadSettings({ root, modulesRoot, overrides: opts.settings, env: opts.env, inline: opts.inline })
  const registry = await loadApps(settings, modulesRoot)
  const reverser = new Reverser(new Map(registry.routes.map((r) => [r.name, r.path])))

  const fastify = Fastify(fastifyOptions(settings))
  // Root context: what every request goes through, static files included.
  await fastify.register(errorPagesPlugin, { debug: settings.debug, registry })
  await fastify.register(channelsPlugin, { settings })
  // Static files: a sibling context, so they never run session, CSRF or database code.
  // Pages: one encapsulated context for everything dynamic (session, forms, db, routes).
  await fastify.register(async function pages (scope) {
    await scope.register(routingPlugin, { registry, reverser })
    // Last in `pages`: websocket upgrades run every hook registered above (session, db).
    await scope.register(websocketPlugin, { routes: registry.routes, settings })
  })
  return new TaoApp(fastify, settings, registry, reverser)
}
