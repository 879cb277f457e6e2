import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Command } from 'commander'
import { taoError } from '@tao/core'
import { cliVersion } from '../cli-dir.js'
import { npmInstall } from '../install.js'
import { findProject } from '../paths.js'
import { TAO_PACKAGES, vendorTao } from '../vendor.js'
import { setTaoDependencies } from './new.js'

/** Drops the lock file's and node_modules' @tao entries, so npm reads the new tarballs. */
function forgetInstalledTao (root: string): void {
  const lock = join(root, 'package-lock.json')
  if (existsSync(lock)) {
    const json = JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, unknown> }
    for (const key of Object.keys(json.packages ?? {})) if (TAO_PACKAGES.some((p) => key.endsWith(`node_modules/${p}`))) delete json.packages![key]
    writeFileSync(lock, JSON.stringify(json, null, 2) + '\n')
  }
  rmSync(join(root, 'node_modules', '@tao'), { recursive: true, force: true })
}

/**
 * `tao upgrade`: run with the `tao` of a newer checkout inside a project; replaces vendor/ with
 * that tao and reinstalls, so the project's lock file and `npm ci` use it.
 */
export function registerUpgrade (program: Command): void {
  program.command('upgrade')
    .description("replace the project's vendored copy of tao (vendor/) with the one of this tao")
    .option('--tao-version <version>', 'depend on this registry version of @tao/core and @tao/cli instead of vendoring')
    .option('--no-install', 'do not run npm install afterwards')
    .addHelpText('after', '\nRun it inside a project with the `tao` of the checkout to upgrade to, e.g.\n  cd ~/tao && git pull && npm ci && cd ~/site && tao upgrade')
    .action((opts: { taoVersion?: string, install: boolean }) => {
      const root = findProject()
      const shown = relative(process.cwd(), root) || '.'
      const say = (line: string) => process.stdout.write(`${line}\n`)
      if (opts.taoVersion) {
        setTaoDependencies(root, { '@tao/core': `^${opts.taoVersion}`, '@tao/cli': `^${opts.taoVersion}` })
        rmSync(join(root, 'vendor'), { recursive: true, force: true })
        say(`now depending on tao ${opts.taoVersion} from the npm registry`)
      } else {
        const deps = vendorTao(root).dependencies
        setTaoDependencies(root, deps)
        say(`vendored tao ${cliVersion()}: ${Object.values(deps).map((d) => d.slice('file:'.length)).join(', ')}`)
      }
      forgetInstalledTao(root)
      if (!opts.install) return
      if (!npmInstall(root, shown, say)) throw taoError('TAO_ERR_CLI_VENDOR_FAILED', ['install the new tao', `npm install failed in ${shown}; run it there to see why`])
      say('upgraded: run `npm test` to check the project against it, and commit vendor/ and package-lock.json')
    })
}
