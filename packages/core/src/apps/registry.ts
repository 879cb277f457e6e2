import { didYouMean, listOrNone, taoError } from '../errors/index.js'
import { isRouteDef } from '../routing/route.js'
import type { RouteDef } from '../routing/types.js'
import type { Settings } from '../settings/index.js'
import type { AppConfig } from './app.js'
import { discoverApps, findModule, type AppCandidate } from './discover.js'
import { importAppModule } from './import-module.js'

/** A route of the project with its full name and path, ready to register. */
export interface RouteRecord {
  /** 'app:name' */
  readonly name: string
  readonly app: string
  readonly kind: RouteDef['kind']
  readonly methods: RouteDef['methods']
  /** Full path: the app's prefix + the declared path. */
  readonly path: string
  readonly handler: RouteDef['handler']
  readonly options: RouteDef['options']
  /** True when the name was generated because the route has none. */
  readonly generated: boolean
}

function checkPrefix (file: string, prefix: unknown): string {
  if (typeof prefix === 'string' && (prefix === '' || (prefix.startsWith('/') && !prefix.endsWith('/')))) return prefix
  throw taoError('TAO_ERR_APP_ROUTES_INVALID', [file, `\`export const prefix\` is ${JSON.stringify(prefix)}; use a path such as '/blog', or '' for none`], { file })
}

async function loadApp (candidate: AppCandidate, settings: Settings): Promise<AppConfig> {
  const routesFile = findModule(candidate.modulesDir, 'routes')
  let routes: RouteDef[] = []
  let declaredPrefix: string | undefined
  if (routesFile) {
    const mod = await importAppModule(routesFile)
    const list = mod.default
    if (!Array.isArray(list)) {
      throw taoError('TAO_ERR_APP_ROUTES_INVALID', [routesFile, `its default export is ${list === undefined ? 'missing' : typeof list}, not an array of routes`], { file: routesFile, app: candidate.name })
    }
    const bad = list.findIndex((r) => !isRouteDef(r))
    if (bad !== -1) {
      throw taoError('TAO_ERR_APP_ROUTES_INVALID', [routesFile, `item ${bad} of the default export is not made by route() or ws()`], { file: routesFile, app: candidate.name })
    }
    routes = list
    if (mod.prefix !== undefined) declaredPrefix = checkPrefix(routesFile, mod.prefix)
  }
  const prefix = settings.prefixes[candidate.name] ?? candidate.prefix ?? declaredPrefix ?? `/${candidate.name}`
  return Object.freeze({
    name: candidate.name,
    origin: candidate.origin,
    source: candidate.source,
    dir: candidate.dir,
    modulesDir: candidate.modulesDir,
    prefix,
    routesFile,
    routes: Object.freeze(routes),
  })
}

/** `GET /post/:slug` → `get_post_slug`: a stable name for a route declared without one. */
function generatedName (def: RouteDef): string {
  const path = def.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'root'
  return `${def.kind === 'ws' ? 'ws' : def.methods.join('_').toLowerCase()}_${path}`
}

function joinPath (prefix: string, path: string): string {
  if (path === '' || path === '/') return prefix === '' ? '/' : `${prefix}/`
  return prefix + path
}

function buildRoutes (app: AppConfig): RouteRecord[] {
  const out: RouteRecord[] = []
  const taken = new Set(app.routes.flatMap((r) => (r.name ? [r.name] : [])))
  const seen = new Set<string>()
  for (const def of app.routes) {
    let local = def.name
    if (local !== undefined) {
      if (seen.has(local)) throw taoError('TAO_ERR_ROUTE_DUPLICATE_NAME', [`${app.name}:${local}`, app.routesFile ?? app.source], { app: app.name })
    } else {
      const base = generatedName(def)
      local = base
      for (let i = 2; taken.has(local) || seen.has(local); i++) local = `${base}_${i}`
    }
    seen.add(local)
    out.push(Object.freeze({
      name: `${app.name}:${local}`,
      app: app.name,
      kind: def.kind,
      methods: def.methods,
      path: joinPath(app.prefix, def.path),
      handler: def.handler,
      options: def.options,
      generated: def.name === undefined,
    }))
  }
  return out
}

function checkConflicts (routes: RouteRecord[]): void {
  const owners = new Map<string, RouteRecord>()
  for (const r of routes) {
    // Fastify ignores trailing slashes here, so '/blog' and '/blog/' are one route.
    const path = r.path.length > 1 ? r.path.replace(/\/$/, '') : r.path
    for (const m of r.methods) {
      const key = `${m} ${path}`
      const other = owners.get(key)
      if (other) throw taoError('TAO_ERR_ROUTE_CONFLICT', [key, `'${other.name}'`, `'${r.name}'`])
      owners.set(key, r)
    }
  }
}

/**
 * The apps of one tao app instance, in a fixed order (built-in, project, packages), with
 * their routes. Built once at boot by {@link loadApps}; read-only afterwards.
 */
export class AppRegistry {
  readonly apps: readonly AppConfig[]
  readonly routes: readonly RouteRecord[]
  readonly #byName: ReadonlyMap<string, AppConfig>

  constructor (apps: AppConfig[], routes: RouteRecord[]) {
    this.apps = Object.freeze(apps)
    this.routes = Object.freeze(routes)
    this.#byName = new Map(apps.map((a) => [a.name, a]))
  }

  has (name: string): boolean {
    return this.#byName.has(name)
  }

  /**
   * The app named `name`.
   * @throws TAO_ERR_APP_NOT_FOUND with a suggestion and the known apps.
   */
  get (name: string): AppConfig {
    const app = this.#byName.get(name)
    if (!app) throw taoError('TAO_ERR_APP_NOT_FOUND', [name, listOrNone(this.#byName.keys()), didYouMean(name, this.#byName.keys())], { app: name })
    return app
  }

  names (): string[] {
    return [...this.#byName.keys()]
  }
}

/**
 * Loads the apps of a project in phases:
 *   1. discover app folders and packages, reject bad and duplicate names;
 *   2. import every routes module (in parallel) and check its exports;
 *   3. name every route 'app:name' (generating stable names for unnamed ones);
 *   4. reject two routes on one method and path.
 */
export async function loadApps (settings: Settings, modulesRoot: string): Promise<AppRegistry> {
  const candidates = discoverApps(settings, modulesRoot)
  const apps = await Promise.all(candidates.map((c) => loadApp(c, settings)))
  const routes = apps.flatMap(buildRoutes)
  checkConflicts(routes)
  return new AppRegistry(apps, routes)
}
