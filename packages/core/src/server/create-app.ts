import type { Server } from 'node:http'
import { resolve } from 'node:path'
import Fastify, { type FastifyHttpOptions } from 'fastify'
import { loadApps } from '../apps/index.js'
import { databasePlugin } from '../db/index.js'
import { Reverser } from '../routing/reverse.js'
import { routingPlugin } from '../routing/register.js'
import { loadSettings, type Settings, type UserSettings } from '../settings/index.js'
import { formsPlugin } from '../forms/index.js'
import { buildTrustProxy, securityPlugin, serverTimeouts } from '../security/index.js'
import { sessionPlugin } from '../session/index.js'
import { staticPlugin } from '../static/index.js'
import { templatesPlugin } from '../templates/index.js'
import { channelsPlugin, upgradeGuardPlugin, websocketPlugin } from '../websocket/index.js'
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

function fastifyOptions (settings: Settings): FastifyHttpOptions<Server> {
  const s = settings.server
  return {
    logger: settings.logLevel === 'silent' ? false : { level: settings.logLevel },
    trustProxy: buildTrustProxy(s.trustProxy),
    http: serverTimeouts(s),
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
  await fastify.register(securityPlugin, { settings })
  // The database at the root: req.db is a zero-cost getter on every request (websocket
  // upgrades included); only handlers that read it touch the one pooled client.
  await fastify.register(databasePlugin, { settings })
  await fastify.register(channelsPlugin, { settings })
  if (registry.routes.some((r) => r.kind === 'ws')) await fastify.register(upgradeGuardPlugin)
  // Static files: a sibling context, so they never run session, CSRF or database code.
  await fastify.register(staticPlugin, { settings, registry })
  // Templates: reply.render, app.render and project error pages (decorations only, no hook).
  await fastify.register(templatesPlugin, { settings, registry, reverser })
  // Pages: one encapsulated context for everything dynamic (session, forms, routes).
  await fastify.register(async function pages (scope) {
    await scope.register(sessionPlugin, { settings })
    await scope.register(formsPlugin, { settings })
    await scope.register(routingPlugin, { registry, reverser })
    // Last in `pages`: websocket upgrades run every hook registered above (session, db).
    await scope.register(websocketPlugin, { routes: registry.routes, settings })
  })
  return new TaoApp(fastify, settings, registry, reverser)
}
