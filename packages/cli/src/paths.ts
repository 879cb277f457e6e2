import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { taoError } from '@tao/core'
import { cliDir } from './cli-dir.js'

export { cliDir, cliVersion } from './cli-dir.js'

/** The scaffolding templates: shipped inside the package, or at the root of a tao checkout. */
export function scaffoldDir (kind: 'project' | 'app'): string {
  for (const dir of [join(cliDir, 'templates', kind), join(cliDir, '..', '..', 'templates', kind)]) {
    if (existsSync(dir)) return dir
  }
  throw new Error(`tao's ${kind} template is missing from ${cliDir}; reinstall @tao/cli.`)
}

/** The folder of @tao/core as this CLI resolves it (for `file:` links in new projects). */
export function coreDir (): string {
  return dirname(fileURLToPath(import.meta.resolve('@tao/core/package.json')))
}

/** True when `dir` holds a tao project: a settings module and an apps/ folder. */
export function isProject (dir: string): boolean {
  return ['settings.ts', 'settings.js'].some((f) => existsSync(join(dir, f))) && existsSync(join(dir, 'apps'))
}

/**
 * The project containing `from` (itself or a parent).
 * @throws TAO_ERR_PROJECT_NOT_FOUND
 */
export function findProject (from: string = process.cwd()): string {
  let dir = resolve(from)
  for (;;) {
    if (isProject(dir)) return dir
    const parent = dirname(dir)
    if (parent === dir) throw taoError('TAO_ERR_PROJECT_NOT_FOUND', [resolve(from)])
    dir = parent
  }
}
