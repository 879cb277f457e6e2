import { existsSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { cliDir } from './cli-dir.js'

/**
 * The `tao` a project installed for itself (node_modules/@tao/cli, from its vendor/), when
 * the one running is another (the checkout's, on the PATH). Commands about the project run
 * with the project's own tao: the same version as its @tao/core, loaded once, not twice. Only
 * `tao new -p` and `tao upgrade`, which bring this tao to a project, stay here.
 */
export function localCli (args: string[], from = process.cwd()): string | null {
  if (process.env.TAO_NO_LOCAL === '1') return null
  const word = args.find((a) => !a.startsWith('-'))
  if (word === 'upgrade' || (word === 'new' && args.some((a) => /^(-p|--project|--startproject)(=|$)/.test(a)))) return null
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const main = join(dir, 'node_modules', '@tao', 'cli', 'dist', 'main.js')
    if (existsSync(main)) return realpathSync(join(dir, 'node_modules', '@tao', 'cli')) === realpathSync(cliDir) ? null : main
  }
  return null
}
