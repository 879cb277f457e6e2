import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Command } from 'commander'
import { taoError } from '@tao/core'
import { BUILD_MARKER } from '../project.js'
import { findProject } from '../paths.js'
import { generateTypes } from './types.js'

/** The TypeScript compiler: the project's own, else the one tao ships with. */
function tscPath (root: string): string {
  for (const from of [join(root, 'package.json'), import.meta.filename]) {
    try {
      return createRequire(from).resolve('typescript/bin/tsc')
    } catch {}
  }
  throw new Error('TypeScript is not installed; run `npm install -D typescript` in the project.')
}

/** `tao build`: type-check and compile the project to build/, for `tao start` without a loader. */
export function registerBuild (program: Command): void {
  program.command('build')
    .description('type-check and compile the project into build/ so `tao start` runs plain JavaScript')
    .option('--no-emit', 'only type-check')
    .action(async (opts: { emit: boolean }) => {
      const root = findProject()
      await generateTypes()
      const out = join(root, 'build')
      if (opts.emit) rmSync(out, { recursive: true, force: true })
      const args = opts.emit ? ['-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'build'] : ['-p', 'tsconfig.json', '--noEmit']
      const tsc = spawnSync(process.execPath, [tscPath(root), ...args], { cwd: root, stdio: 'inherit' })
      if (tsc.status !== 0) throw taoError('TAO_ERR_CLI_BUILD_FAILED', ['tsc', `exit code ${tsc.status}`])
      if (!opts.emit) {
        process.stdout.write('type-check passed\n')
        return
      }
      writeFileSync(join(out, BUILD_MARKER), JSON.stringify({ builtAt: new Date().toISOString() }) + '\n')
      process.stdout.write('built into build/; `tao start` now runs the compiled JavaScript\n')
    })
}
