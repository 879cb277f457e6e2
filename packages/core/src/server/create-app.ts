import type { Server } from 'node:http'
import { resolve } from 'node:path'
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify'
import { adminPlugin } from '../admin/plugin.js'
import { loadApps } from '../apps/index.js'
import { authPlugin, installAuth } from '../auth/plugin.js'
import { databasePlugin, prepareDatabase } from '../db/index.js'
import { installMail } from '../mail/index.js'
import { debugPlugin, debugToolbarEnabled, logCaptureHooks } from '../debug/index.js'
import { docsPlugin } from '../docs/index.js'
import { addTaoKeywords, formatRouteValidation, loadModels } from '../models/index.js'
import { modelIndexesPlugin } from '../migrations/index.js'
import { Reverser } from '../routing/reverse.js'
import { redisPlugin } from '../redis/index.js'
import { routingPlugin } from '../routing/register.js'
import { loadServices } from '../services/load.js'
import { loadSettings, type Settings, type UserSettings } from '../settings/index.js'
import { formBodiesPlugin, formsPlugin } from '../forms/index.js'
import { buildTrustProxy, securityPlugin, serverTimeouts } from '../security/index.js'
import { sessionPlugin } from '../session/index.js'
import { staticPlugin } from '../static/index.js'
import { templatesPlugin } from '../templates/index.js'
import { channelsPlugin, upgradeGuardPlugin, websocketPlugin } from '../websocket/index.js'
import { handlerDeadlinePlugin } from './handler-deadline.js'
import { routeContextEnabled, routeContextPlugin } from './route-context.js'
import { errorPagesPlugin } from './error-pages.js'
import { healthPlugin } from './health.js'
import { buildLanguageRewrite, i18nPagesPlugin, i18nPlugin } from '../i18n/index.js'
import { buildLogger, type LoggerSetup } from './logger.js'
import { TaoApp } from './tao-app.js'
import { buildWelcome } from './welcome.js'
import { cachePlugin } from '../cache/index.js'
import { selectStores } from '../cache/select.js'
import { loginCounters, rateLimitPlugin } from '../rate-limit/index.js'
import { kRedis } from '../symbols.js'

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

function fastifyOptions (settings: Settings, setup: LoggerSetup): FastifyHttpOptions<Server> {
  const s = settings.server
  const { root: _root, requestLine: _line, requestLogger: _logger, routeLog: _route, ...log } = setup as Partial<Extract<LoggerSetup, { root: unknown }>>
  return {
    // A pino instance, its request logging and the lazy req.log (server/logger.ts); or none.
    ...log,
    trustProxy: buildTrustProxy(s.trustProxy),
    http: serverTimeouts(s),
    requestTimeout: s.requestTimeout,
    keepAliveTimeout: s.keepAliveTimeout,
    // settings.server.connectionTimeout is enforced by the connection tracker's sweep
    // (server/drain.ts): Node's socket timeout re-arms a timer on every read and write.
    bodyLimit: s.bodyLimit,
    // Shutdown drains connections itself (server/drain.ts): requests arriving on open
    // connections while it drains are served, with Connection: close.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // `/fr/blog/` is routed as `/blog/` in French (only with settings.i18n.urlPrefix).
    ...(settings.i18n.urlPrefix ? { rewriteUrl: buildLanguageRewrite(settings) } : {}),
    // Route schemas (TypeBox) may use Type.ObjectId() and errorMessage like models; a bad
    // field answers a 400 naming it, with the same sentences as forms.
    ajv: { customOptions: { verbose: true }, plugins: [addTaoKeywords] },
    schemaErrorFormatter: formatRouteValidation,
  }
}

/**
 * Creates a tao application for a project:
 *   1. load and validate settings (settings.ts, .env, TAO_* variables);
 *   2. discover the apps and import their routes;
 *   3. build the reverse-URL map (once; requests only read it);
 *   4. import every app's services.ts (nothing starts yet) and models.ts;
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
  const models = await loadModels(registry)

  // Under the toolbar only, the logger also keeps each request's lines for its Logging panel.
  const log = await buildLogger(settings, debugToolbarEnabled(settings) ? logCaptureHooks() : undefined)
  // The embedded store's package, only when the settings use it (a MongoDB server: never).
  await prepareDatabase(settings)
  const fastify = Fastify(fastifyOptions(settings, log))
  if ('root' in log) {
    // JSON logs (server/request-log.ts): req.log from the first root onRequest hook, the
    // request line from the first root onSend hook.
    fastify.log = log.root
    fastify.addHook('onRoute', log.routeLog)
    fastify.addHook('onRequest', log.requestLogger)
    fastify.addHook('onSend', log.requestLine)
  }
  const app = new TaoApp(fastify, settings, registry, reverser, services, models)
  // Root context: what every request goes through, static files included.
  // tao's welcome page answers `/` from the not-found handler while no route of the project does.
  await fastify.register(errorPagesPlugin, { debug: settings.debug, registry, settings, welcome: buildWelcome(settings, registry) })
  await fastify.register(securityPlugin, { settings })
  // The database at the root: req.db is a zero-cost getter on every request (websocket
  // upgrades included); only handlers that read it touch the one pooled client.
  await fastify.register(databasePlugin, { settings })
  // The models' indexes, under tao dev and tests (settings.migrations.autoIndexes), once connected.
  await fastify.register(modelIndexesPlugin, { settings, models })
  // Redis connections (made on first use), before channels: they close after them.
  await fastify.register(redisPlugin, { settings })
  await fastify.register(channelsPlugin, { settings })
  if (registry.routes.some((r) => r.kind === 'ws')) await fastify.register(upgradeGuardPlugin)
  // Health endpoints: root context, outside pages (no session), behind the host check like
  // every request; not logged per request.
  await fastify.register(healthPlugin, { ...settings.server.health, readiness: () => app.readiness() })
  // Static files: a sibling context, so they never run session, CSRF or database code.
  await fastify.register(staticPlugin, { settings, registry })
  // Templates: reply.render, app.render and project error pages (decorations only, no hook).
  await fastify.register(templatesPlugin, { settings, registry, reverser, modulesRoot })
  // Languages: catalogs read once, req.locale, t() and the formatting filters (decorations only).
  await fastify.register(i18nPlugin, { settings, registry })
  // Rate limits, then the cache (issue #18): stores chosen once (Redis when configured). Both arm
  // their per-route hooks with onRoute, so routes without `rateLimit` or `cache` get none; a
  // route with both counts the request before its cache answers.
  const stores = selectStores(settings, fastify[kRedis])
  await fastify.register(rateLimitPlugin, { counters: stores.counters, store: stores.countersKind, prefix: settings.redis.prefix, routeLimits: registry.routes.some((r) => r.options.rateLimit !== undefined) })
  await fastify.register(cachePlugin, { settings, registry, backend: stores.cache, ready: stores.ready })
  // Mail: the backend of settings.mail.url, built once (sendMail()).
  installMail(fastify, settings)
  // The built-in app auth (settings.auth): boot-time state at the root, hooks in pages.
  const auth = installAuth(fastify, settings, reverser)
  // With Redis, failed logins are counted there too (shared by every machine, no database write).
  if (auth !== null && stores.countersKind === 'redis') auth.attempts = loginCounters(stores.counters, settings, fastify[kRedis])
  // The admin site (registrations of every app's admin.ts), built once; only when turned on.
  if (settings.admin.enabled) await fastify.register(adminPlugin, { settings, registry })
  // Pages: one encapsulated context for everything dynamic (session, forms, routes).
  // Each route handler runs in its route's async context, so a crash names the route (crash.ts).
  if (routeContextEnabled(settings)) await fastify.register(routeContextPlugin)
  await fastify.register(handlerDeadlinePlugin, { timeout: settings.server.handlerTimeout, retryAfter: Math.max(1, Math.ceil(settings.database.retryAfter / 1000)) })
  await fastify.register(async function pages (scope) {
    // First in `pages`, and only in debug: the toolbar times and watches every page request.
    if (debugToolbarEnabled(settings)) await scope.register(debugPlugin, { settings, services: () => app.services.status() })
    // tao's guides at /-/docs/, linked from the welcome page: under debug only.
    if (settings.debug) await scope.register(docsPlugin, {})
    await scope.register(sessionPlugin, { settings })
    // Multilingual sites only: Content-Language and Vary on pages, the language switch endpoint.
    if (settings.languages.length > 1) await scope.register(i18nPagesPlugin, { settings })
    if (auth !== null) await scope.register(authPlugin, { runtime: auth })
    await scope.register(formsPlugin, { settings })
    // Routes taking a body sit in a context of their own, where multipart reading and the
    // CSRF check run; pages that only read never pay for them.
    const prepareBodyContext = async (forms: FastifyInstance) => { await forms.register(formBodiesPlugin, { settings }) }
    await scope.register(routingPlugin, { registry, reverser, prepareBodyContext, settings })
    // Last in `pages`: websocket upgrades run every hook registered above (session, db).
    await scope.register(websocketPlugin, { routes: registry.routes, settings, onShutdown: (close) => app.addCloseHook('websockets', 'websockets', close) })
  })
  return app
}
