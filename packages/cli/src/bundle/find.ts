import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The folder of the server bundle inside the build, and its parts. */
export const BUNDLE_DIR = '.tao-server'
export const BUNDLE_MAIN = 'server.cjs'
export const BUNDLE_CACHE = 'server.cache'
export const BUNDLE_STAMP = 'stamp.json'

/**
 * The files whose change means the packages a bundle holds were reinstalled: npm rewrites
 * node_modules/.package-lock.json on every install. Paths relative to the project.
 */
export const STAMPED_FILES = ['package-lock.json', join('node_modules', '.package-lock.json')]

/** What `tao build` records of {@link STAMPED_FILES}: size and mtime, or null when absent. */
export function stampOf (root: string): Record<string, string | null> {
  return Object.fromEntries(STAMPED_FILES.map((rel) => {
    try {
      const s = statSync(join(root, rel))
      return [rel, `${s.size}:${s.mtimeMs}`]
    } catch {
      return [rel, null]
    }
  }))
}

function projectAround (from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (['settings.ts', 'settings.js'].some((f) => existsSync(join(dir, f))) && existsSync(join(dir, 'apps'))) return dir
    if (dirname(dir) === dir) return null
  }
}

/**
 * The server bundle `tao start` runs instead of loading tao and the project module by module
 * (build/.tao-server/main.mjs, made by `tao build`), or null: for another command, with
 * `--source` or `--no-bundle`, without a bundle, or when packages were installed since the
 * build (the bundle would run the old ones; a warning says so). Loads nothing but node:fs and
 * node:path, as it runs before everything else.
 */
export function findServerBundle (args: string[], from = process.cwd()): string | null {
  if (args[0] !== 'start' || args.some((a) => a === '--source' || a === '--no-bundle' || a === '-h' || a === '--help')) return null
  const root = projectAround(from)
  if (root === null) return null
  const dir = join(root, 'build', BUNDLE_DIR)
  let recorded: Record<string, string | null>
  try {
    recorded = (JSON.parse(readFileSync(join(dir, BUNDLE_STAMP), 'utf8')) as { stamp: Record<string, string | null> }).stamp
  } catch {
    return null
  }
  const now = stampOf(root)
  if (STAMPED_FILES.some((f) => recorded[f] !== now[f])) {
    process.stderr.write('tao: packages were installed since `tao build`: starting without its server bundle (slower start). Run `tao build` again.\n')
    return null
  }
  return join(dir, BUNDLE_MAIN)
}
