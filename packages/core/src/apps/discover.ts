import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { taoError } from '../errors/index.js'
import { appNameProblem } from '../names/index.js'
import type { Settings } from '../settings/index.js'
import type { AppOrigin } from './app.js'

/** An app folder found on disk, before its modules are imported. */
export interface AppCandidate {
  name: string
  origin: AppOrigin
  source: string
  dir: string
  modulesDir: string
  /** Prefix forced by a settings.apps entry. */
  prefix?: string | undefined
}

/** Names that can never be app labels: they mean something else in URLs and names. */
export const RESERVED_APP_NAMES: ReadonlySet<string> = new Set(['static', 'tao'])

/** The built-in apps shipped inside @tao/core (packages/core/apps). */
export const builtinAppsDir = fileURLToPath(new URL('../../apps', import.meta.url))

const MODULE_EXTS = ['.js', '.ts', '.mjs', '.mts']

/** The first existing `<dir>/<base>.{js,ts,mjs,mts}`, or null. */
export function findModule (dir: string, base: string): string | null {
  for (const ext of MODULE_EXTS) {
    const file = join(dir, base + ext)
    if (existsSync(file)) return file
  }
  return null
}

function subdirs (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory())) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
}

/** How a built-in app other than `tao` is turned on, and where its compiled modules are. */
export interface BuiltinApp {
  /** True when the project's settings turn the app on. */
  enabled (settings: Settings): boolean
  /** Its URL prefix (settings.prefixes still wins). */
  prefix?: (settings: Settings) => string
  /**
   * The folder of its `routes` (and other app) modules, compiled with the rest of @tao/core:
   * its templates and static files stay in packages/core/apps/<name>.
   */
  modulesDir?: string
}

// The admin signs staff in through the auth app: admin without auth is a setup error.
function adminEnabled (s: Settings): boolean {
  if (!s.admin.enabled) return false
  if (!s.auth.enabled) throw taoError('TAO_ERR_ADMIN_REQUIRES_AUTH', [])
  return true
}

const srcDir = (concern: string) => fileURLToPath(new URL(`../${concern}/`, import.meta.url))

/**
 * The built-in apps, by folder name under packages/core/apps: each is discovered only when
 * its setting turns it on (a folder without a row is never discovered). One row per app.
 */
export const BUILTIN_APPS: Readonly<Record<string, BuiltinApp>> = Object.freeze({
  tao: { enabled: () => true },
  auth: { enabled: (s: Settings) => s.auth.enabled, prefix: (s: Settings) => s.auth.prefix, modulesDir: srcDir('auth') },
  admin: { enabled: adminEnabled, prefix: (s: Settings) => s.admin.prefix, modulesDir: srcDir('admin') },
})

function builtinApps (settings: Settings): AppCandidate[] {
  return subdirs(builtinAppsDir).flatMap((name) => {
    const spec = BUILTIN_APPS[name]
    if (spec === undefined || !spec.enabled(settings)) return []
    const dir = join(builtinAppsDir, name)
    return [{ name, origin: 'builtin' as const, source: `built-in app '${name}'`, dir, modulesDir: spec.modulesDir ?? dir, prefix: spec.prefix?.(settings) }]
  })
}

function projectApps (root: string, modulesRoot: string): AppCandidate[] {
  return subdirs(join(root, 'apps')).map((name) => {
    const where = relative(process.cwd(), join(root, 'apps', name)) || join(root, 'apps', name)
    const problem = RESERVED_APP_NAMES.has(name) ? `'${name}' is reserved by tao` : appNameProblem(name)
    if (problem) throw taoError('TAO_ERR_APP_INVALID_NAME', [name, where, problem], { app: name, file: where })
    return { name, origin: 'project' as const, source: `apps/${name}`, dir: join(root, 'apps', name), modulesDir: join(modulesRoot, 'apps', name) }
  })
}

function packageApps (settings: Settings): AppCandidate[] {
  const require = createRequire(join(settings.root, 'package.json'))
  return settings.apps.map((entry) => {
    const spec = typeof entry === 'string' ? { package: entry } : entry as { package: string, name?: string, prefix?: string }
    let pkgFile: string
    try {
      pkgFile = require.resolve(`${spec.package}/package.json`)
    } catch {
      throw taoError('TAO_ERR_APP_PACKAGE_NOT_FOUND', [spec.package, settings.root])
    }
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string, tao?: { name?: string, dir?: string } }
    const dir = join(dirname(pkgFile), pkg.tao?.dir ?? '.')
    const name = spec.name ?? pkg.tao?.name ?? pkg.name.replace(/^@[^/]+\//, '').replace(/-/g, '_')
    const source = `package '${spec.package}'`
    const problem = RESERVED_APP_NAMES.has(name) ? `'${name}' is reserved by tao` : appNameProblem(name)
    if (problem) throw taoError('TAO_ERR_APP_INVALID_NAME', [name, source, `${problem} (set { package, name } in settings.apps)`], { app: name })
    return { name, origin: 'package' as const, source, dir, modulesDir: dir, prefix: spec.prefix }
  })
}

/**
 * Finds every app of a project: the built-in apps of @tao/core, the folders under apps/, and
 * the packages listed in settings.apps.
 * @throws TAO_ERR_APP_INVALID_NAME, TAO_ERR_APP_DUPLICATE (listing every source of the name),
 *   TAO_ERR_APP_PACKAGE_NOT_FOUND
 */
export function discoverApps (settings: Settings, modulesRoot: string): AppCandidate[] {
  const all = [...builtinApps(settings), ...projectApps(settings.root, modulesRoot), ...packageApps(settings)]
  const byName = new Map<string, AppCandidate[]>()
  for (const app of all) byName.set(app.name, [...(byName.get(app.name) ?? []), app])
  for (const [name, list] of byName) {
    if (list.length > 1) throw taoError('TAO_ERR_APP_DUPLICATE', [name, list.map((a) => a.source)], { app: name })
  }
  return all
}
