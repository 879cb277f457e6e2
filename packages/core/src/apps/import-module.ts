import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { taoError } from '../errors/index.js'
import { BUILTIN_APPS, findModule } from './discover.js'

type ModuleLoader = () => Promise<Record<string, unknown>>

/**
 * The project's modules inside a server bundle of `tao build` (build/.tao-server), by absolute
 * file path; undefined when the process runs unbundled.
 */
let bundled: Map<string, ModuleLoader> | undefined

/**
 * Called by a server bundle before anything else: from now on every module tao would import
 * from the project (settings, routes, models, services, admin registrations, migrations) comes
 * from the bundle, where it shares the one copy of @tao/core and of every package the bundle
 * holds. Not for applications.
 * @internal
 */
export function useBundledModules (modules: Iterable<readonly [file: string, load: ModuleLoader]>): void {
  bundled = new Map([...modules].map(([file, load]) => [resolve(file), load]))
}

/** True in a process that runs a server bundle of `tao build`. */
export function runningBundled (): boolean {
  return bundled !== undefined
}

/**
 * Imports one of the project's modules (from the bundle when the server runs bundled). A file
 * the bundle does not hold is refused rather than imported beside it: it would load a second
 * @tao/core, whose settings, registries and symbols are not the bundle's.
 * @throws TAO_ERR_BUILD_STALE when the bundle does not hold `file`
 */
export async function importFile (file: string): Promise<Record<string, unknown>> {
  if (bundled === undefined) return await import(pathToFileURL(file).href)
  const load = bundled.get(resolve(file))
  if (load === undefined) throw taoError('TAO_ERR_BUILD_STALE', [file])
  return await load()
}

/**
 * {@link importFile} for an app's module: a failure names the file (TAO_ERR_APP_IMPORT); a
 * TaoError thrown while the module is evaluated passes through as it is.
 */
export async function importAppModule (file: string): Promise<Record<string, unknown>> {
  try {
    return await importFile(file)
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('TAO_ERR_')) throw err
    throw taoError('TAO_ERR_APP_IMPORT', [file, (err as Error).message], { file }, { cause: err })
  }
}

/** The modules tao imports from an app's modules folder: these, and its migrations. */
const APP_MODULES = ['routes', 'models', 'services', 'admin']

/**
 * The modules tao may import from an app's modules folder (routes, models, services, admin,
 * migrations), for the server bundle of `tao build`.
 * @internal
 */
export function appModuleFiles (modulesDir: string): string[] {
  const migrations = join(modulesDir, 'migrations')
  return [
    ...APP_MODULES.map((base) => findModule(modulesDir, base)).filter((f) => f !== null),
    ...(existsSync(migrations) ? readdirSync(migrations).filter((f) => /\.m?js$/.test(f)).sort().map((f) => join(migrations, f)) : []),
  ]
}

/**
 * Every module of the built-in apps (auth, admin) tao may import as an app's module: a server
 * bundle holds each one whether the project turns the app on or not.
 * @internal
 */
export function builtinAppModules (): string[] {
  return Object.values(BUILTIN_APPS).flatMap(({ modulesDir }) => (modulesDir === undefined ? [] : appModuleFiles(modulesDir)))
}
