import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Command } from 'commander'
import { buildTemplates, createApp, isTaoError, taoError } from '@tao/core'
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

/**
 * Compiles every template into build/.tao-templates/ with the app `tao start` will run (same
 * tags and filters). A template that does not compile fails the build (TAO_ERR_TEMPLATE_SYNTAX,
 * naming the file and line). When the app cannot be created here (settings that need the
 * production environment), the build goes on without them: `tao start` compiles them.
 */
async function compileTemplates (root: string, out: string): Promise<number> {
  let app
  try {
    app = await createApp({ root, modulesRoot: out, settings: { logLevel: 'silent' } })
  } catch (err) {
    const reason = isTaoError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err)
    process.stderr.write(`tao build: templates not compiled ahead of time (the app could not be created: ${reason}); \`tao start\` will compile them\n`)
    return 0
  }
  try {
    return buildTemplates(app, out)
  } finally {
    await app.close()
  }
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
      const templates = await compileTemplates(root, out)
      writeFileSync(join(out, BUILD_MARKER), JSON.stringify({ builtAt: new Date().toISOString() }) + '\n')
      process.stdout.write(`built into build/ (${templates} templates compiled); \`tao start\` now runs the compiled JavaScript\n`)
    })
}
