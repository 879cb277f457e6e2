import { createHash } from 'node:crypto'
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'

type Entry = Record<string, unknown> & {
  version?: string
  link?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
interface Lock { packages: Record<string, Entry> }
interface PackageJson { name: string, version: string, dependencies?: Record<string, string>, devDependencies?: Record<string, string>, engines?: unknown, bin?: unknown, license?: string }

/** Lock-file fields that say what a package is, not where the checkout's tree needs it. */
const KEEP = ['version', 'resolved', 'integrity', 'license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'libc', 'optional', 'hasInstallScript', 'funding', 'deprecated']

/** The package-lock.json that holds the running tao: its checkout's, or that of the project it is installed in. */
function sourceLock (taoDirs: string[]): { root: string, lock: Lock } | null {
  for (let dir = dirname(realpathSync(taoDirs[0]!)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package-lock.json')
    if (existsSync(file)) return { root: dir, lock: JSON.parse(readFileSync(file, 'utf8')) as Lock }
  }
  return null
}

/** Where `name`, required from the package at `from`, lives in the lock tree (Node's lookup, upwards). */
function locate (lock: Lock, from: string, name: string): string | null {
  for (let at = from; ; at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '') {
    const loc = at ? `${at}/node_modules/${name}` : `node_modules/${name}`
    if (lock.packages[loc]) return loc
    if (!at) return null
  }
}

/**
 * A package-lock.json for a new project, cut from the lock of the tao that makes it: the same
 * versions and integrity hashes of every third-party package tao was installed and tested
 * with, and the vendored tarballs for tao itself. With it, `npm install --offline` needs only
 * npm's cache of tarballs (no registry metadata, which the checkout's own `npm ci` never
 * fetched), and `registry` (npm's configured one) completes the tarball URLs. Returns false, writing nothing, when some package cannot be placed: npm then
 * resolves the project itself.
 */
export function writeProjectLock (project: string, vendored: Record<string, { dir: string, tarball: string }>, registry: string): boolean {
  const taoDirs = Object.values(vendored).map((v) => v.dir)
  const source = sourceLock(taoDirs)
  if (!source) return false
  const { lock } = source
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as PackageJson
  // Where each tao package sits in the source tree, and where it goes in the project.
  const taoAt = new Map(Object.entries(vendored).map(([name, v]) => [relative(source.root, realpathSync(v.dir)).split(sep).join('/'), name]))
  const target = (loc: string): string => {
    for (const [at, name] of taoAt) if (loc === at || loc.startsWith(`${at}/`)) return `node_modules/${name}${loc.slice(at.length)}`
    return loc
  }
  const out: Record<string, Entry> = {
    '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies, engines: pkg.engines },
  }
  const queue: Array<[from: string, name: string, optional: boolean]> = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).map((n) => ['', n, false])
  const seen = new Set<string>()
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!
    const tao = vendored[name]
    let loc = tao ? [...taoAt].find(([, n]) => n === name)![0] : locate(lock, from, name)
    if (loc && lock.packages[loc]?.link) loc = String(lock.packages[loc]!.resolved)
    if (!loc || !lock.packages[loc]) {
      if (optional) continue
      return false
    }
    if (seen.has(loc)) continue
    seen.add(loc)
    const entry = lock.packages[loc]!
    const kept: Entry = Object.fromEntries(KEEP.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]]))
    // A registry package's tarball URL: npm then reads it from its cache by URL and integrity,
    // where without it npm would first ask the registry for the package's metadata.
    if (!tao && kept.resolved === undefined && kept.integrity !== undefined && kept.version !== undefined) {
      const name = loc.slice(loc.lastIndexOf('node_modules/') + 'node_modules/'.length)
      kept.resolved = `${registry.replace(/\/?$/, '/')}${name}/-/${name.split('/').pop()}-${kept.version}.tgz`
    }
    if (tao) {
      const json = JSON.parse(readFileSync(join(tao.dir, 'package.json'), 'utf8')) as PackageJson
      Object.assign(kept, { version: json.version, resolved: `file:${tao.tarball}`, integrity: `sha512-${createHash('sha512').update(readFileSync(join(project, tao.tarball))).digest('base64')}`, license: json.license, dependencies: json.dependencies, bin: json.bin, engines: json.engines })
    }
    out[target(loc)] = kept
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([loc, dep, false])
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([loc, dep, true])
    for (const dep of Object.keys(entry.peerDependencies ?? {})) queue.push([loc, dep, true])
  }
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))))
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: sorted }, null, 2) + '\n')
  return true
}
