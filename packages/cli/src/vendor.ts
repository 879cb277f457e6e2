import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { taoError } from '@tao/core'
import { cliDir } from './cli-dir.js'
import { coreDir, scaffoldDir } from './paths.js'

/** The vendored packages, in dependency order, and the folder a project keeps them in. */
export const VENDOR_DIR = 'vendor'
export const TAO_PACKAGES = ['@tao/embedded-mongo', '@tao/core', '@tao/cli'] as const

/** What {@link vendorTao} packed: each package's source folder and tarball, and the dependencies to declare. */
export interface Vendored {
  packages: Record<string, { dir: string, tarball: string }>
  /** `file:vendor/...` of each package, for package.json. */
  dependencies: Record<string, string>
}

/** The package folder around `file`: the nearest parent with a package.json named `name`. */
function packageRoot (file: string, name: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir
  }
  throw taoError('TAO_ERR_CLI_VENDOR_FAILED', [`find ${name}`, `no package.json named ${name} above ${file}`])
}

/**
 * The @tao/cli to pack, staged with the project and app templates beside it: in a checkout
 * they sit at its root, outside packages/cli, and `tao new -a` in the project needs them.
 */
function stageCli (): string {
  const stage = mkdtempSync(join(tmpdir(), 'tao-cli-pack-'))
  for (const part of ['package.json', 'bin', 'dist']) cpSync(join(cliDir, part), join(stage, part), { recursive: true })
  for (const kind of ['project', 'app'] as const) cpSync(scaffoldDir(kind), join(stage, 'templates', kind), { recursive: true })
  return stage
}

/**
 * Packs the tao this CLI runs from (@tao/embedded-mongo, @tao/core, @tao/cli) into the
 * project's vendor/ folder with `npm pack`, replacing any tarballs there, and returns the
 * `file:vendor/...` dependency of each package with where it was packed from. A project that depends on these installs
 * with `npm ci` on a machine with no tao checkout and no registry that has tao.
 * @throws TAO_ERR_CLI_VENDOR_FAILED
 */
export function vendorTao (project: string): Vendored {
  const core = coreDir()
  if (!existsSync(join(core, 'dist', 'index.js')) || !existsSync(join(cliDir, 'dist', 'main.js'))) {
    throw taoError('TAO_ERR_CLI_VENDOR_FAILED', ['pack tao', `${core} has no dist/ (the packages are not built)`])
  }
  const mongo = packageRoot(createRequire(join(core, 'package.json')).resolve('@tao/embedded-mongo'), '@tao/embedded-mongo')
  const vendor = join(project, VENDOR_DIR)
  mkdirSync(vendor, { recursive: true })
  for (const old of readdirSync(vendor)) if (/^tao-.*\.tgz$/.test(old)) rmSync(join(vendor, old))
  const stage = stageCli()
  try {
    const npm = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', vendor, mongo, core, stage], { encoding: 'utf8' })
    if (npm.status !== 0) throw taoError('TAO_ERR_CLI_VENDOR_FAILED', ['pack tao with npm pack', npm.stderr.trim().split('\n').at(-1) ?? `exit code ${npm.status}`])
    const packed = JSON.parse(npm.stdout) as Array<{ name: string, filename: string }>
    const dirs: Record<string, string> = { '@tao/embedded-mongo': mongo, '@tao/core': core, '@tao/cli': cliDir }
    const packages = Object.fromEntries(packed.map((p) => [p.name, { dir: dirs[p.name]!, tarball: `${VENDOR_DIR}/${p.filename.replace(/^@/, '').replace('/', '-')}` }]))
    return { packages, dependencies: Object.fromEntries(Object.entries(packages).map(([name, p]) => [name, `file:${p.tarball}`])) }
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}
