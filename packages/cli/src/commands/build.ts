import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Command } from 'commander'
import { appModuleFiles, buildTemplates, createApp, isTaoError, taoError } from '@tao/core'
import { bundleServer } from '../bundle/build.js'
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

/** What `tao build` learns from the app `tao start` will run. */
interface Built {
  /** Templates compiled into build/.tao-templates/. */
  templates: number
  /** The modules of installed app packages, which the server bundle must hold. */
  packageModules: string[]
}

/**
 * Compiles every template into build/.tao-templates/ with the app `tao start` will run (same
 * tags and filters), and lists its app packages' modules for the server bundle. A template that
 * does not compile fails the build (TAO_ERR_TEMPLATE_SYNTAX, naming the file and line). When
 * the app cannot be created here (settings that need the production environment), the build
 * goes on without them: `tao start` compiles the templates, and runs without a bundle.
 */
async function buildWithApp (root: string, out: string): Promise<Built | null> {
  let app
  try {
    app = await createApp({ root, modulesRoot: out, settings: { logLevel: 'silent' } })
  } catch (err) {
    const reason = isTaoError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err)
    process.stderr.write(`tao build: templates not compiled ahead of time and no server bundle made (the app could not be created: ${reason}); \`tao start\` will compile them\n`)
    return null
  }
  try {
    const packageModules = app.registry.apps.filter((a) => a.origin === 'package').flatMap((a) => appModuleFiles(a.modulesDir))
    return { templates: buildTemplates(app, out), packageModules }
  } finally {
    await app.close()
  }
}

/**
 * The server bundle, or 0 with a warning when it cannot be made (a module esbuild cannot
 * bundle, such as one with top-level await): `tao start` then loads the build module by module.
 */
async function bundleOrWarn (root: string, out: string, packageModules: string[]): Promise<number> {
  try {
    return await bundleServer(root, out, packageModules)
  } catch (err) {
    const reason = String((err as Error)?.message ?? err).trim()
    process.stderr.write(`tao build: no server bundle made, so \`tao start\` loads the build module by module (a slower start):\n${reason}\n`)
    return 0
  }
}

/** `tao build`: type-check and compile the project to build/, for `tao start` without a loader. */
export function registerBuild (program: Command): void {
  program.command('build')
    .description('type-check and compile the project into build/ so `tao start` runs plain JavaScript')
    .option('--no-emit', 'only type-check')
    .option('--no-bundle', 'skip the server bundle (build/.tao-server) that makes `tao start` load fast')
    .action(async (opts: { emit: boolean, bundle: boolean }) => {
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
      const built = await buildWithApp(root, out)
      writeFileSync(join(out, BUILD_MARKER), JSON.stringify({ builtAt: new Date().toISOString() }) + '\n')
      const bundled = opts.bundle && built !== null ? await bundleOrWarn(root, out, built.packageModules) : 0
      const bundle = bundled ? `; server bundle of ${bundled} modules` : ''
      process.stdout.write(`built into build/ (${built?.templates ?? 0} templates compiled${bundle}); \`tao start\` now runs the compiled JavaScript\n`)
    })
}
