import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import { isInside, relativePathProblem, resolveWithinSync } from '../names/index.js'
import type { TaoApp } from '../server/tao-app.js'
import type { Settings } from '../settings/index.js'
import { kStaticFiles } from '../symbols.js'
import { encodePath, PROJECT_COMPONENT, type StaticFiles } from './files.js'

/** The manifest collectstatic writes in its output folder: static name → hashed URL. */
export const MANIFEST = 'staticfiles.json'

/** What {@link collectStaticFiles} did. */
export interface CollectResult {
  /** The output folder (absolute). */
  readonly out: string
  /** Files written (new or changed), as `<component>/<path>` under `out`. */
  readonly copied: readonly string[]
  /** Files already up to date. */
  readonly unchanged: number
  /** Files of an earlier run whose source is gone, removed. */
  readonly removed: readonly string[]
  /** name → hashed URL, as written to the manifest. */
  readonly manifest: Readonly<Record<string, string>>
}

/** A path's real form, resolving its deepest existing ancestor (the rest may not exist yet). */
function realish (path: string): string {
  const missing: string[] = []
  let dir = resolve(path)
  for (;;) {
    try {
      return join(realpathSync(dir), ...missing.reverse())
    } catch {
      const parent = dirname(dir)
      if (parent === dir) return resolve(path)
      missing.push(basename(dir))
      dir = parent
    }
  }
}

/**
 * Every file of a static folder, as safe relative paths. Dotfiles, symlinked folders and links
 * leading out of the folder are skipped.
 */
function walk (root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      walk(root, path, out)
      continue
    }
    const rel = relative(root, path).split(sep).join('/')
    const real = resolveWithinSync(root, rel)
    if (real !== null && statSync(real).isFile()) out.push(rel)
  }
  return out.sort()
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** The files an earlier run wrote, from its manifest (ignoring anything that is not a safe path). */
function previousFiles (out: string): string[] {
  let manifest: unknown
  try {
    manifest = JSON.parse(readFileSync(join(out, MANIFEST), 'utf8'))
  } catch {
    return []
  }
  if (typeof manifest !== 'object' || manifest === null) return []
  return Object.values(manifest).flatMap((url) => {
    if (typeof url !== 'string' || !url.startsWith('/static/')) return []
    let rel: string
    try {
      rel = decodeURIComponent(url.slice('/static/'.length).replace(/\?.*$/, ''))
    } catch {
      return []
    }
    return relativePathProblem(rel) === null ? [rel] : []
  })
}

function removeEmptyParents (out: string, file: string): void {
  for (let dir = dirname(file); dir !== out && isInside(out, dir); dir = dirname(dir)) {
    try {
      rmdirSync(dir)
    } catch {
      return
    }
  }
}

/**
 * Copies every component's static files into `out` with the URL layout
 * (`out/<component>/<path>` answers `/static/<component>/<path>`), writes `out/staticfiles.json`
 * (name → hashed URL), and removes the files an earlier run wrote whose source is gone.
 * Idempotent: unchanged files are not rewritten. Refuses, before writing anything, an `out`
 * inside an app or the project's static/, or one that contains them.
 * @throws TAO_ERR_STATIC_OUT_INVALID
 */
export function collectStaticFiles (files: StaticFiles, registry: AppRegistry, settings: Settings, outDir: string): CollectResult {
  // 1. Check the output folder against every source, on real paths.
  const out = realish(outDir)
  const sources = [join(settings.root, 'static'), ...registry.apps.map((a) => a.dir)]
  for (const src of sources) {
    const real = realish(src)
    if (isInside(real, out)) throw taoError('TAO_ERR_STATIC_OUT_INVALID', [out, `it is inside ${files.display(src)}`], { file: out })
    if (isInside(out, real) && existsSync(real)) throw taoError('TAO_ERR_STATIC_OUT_INVALID', [out, `it contains ${files.display(src)}`], { file: out })
  }
  // 2. Copy what changed; list every file in the manifest.
  const manifest: Record<string, string> = {}
  const copied: string[] = []
  const written = new Set<string>()
  let unchanged = 0
  for (const { name, dir } of files.components()) {
    let root: string
    try {
      root = realpathSync(dir)
    } catch {
      continue
    }
    for (const rel of walk(root)) {
      const data = readFileSync(resolveWithinSync(root, rel)!)
      const hash = sha256(data)
      const target = `${name}/${rel}`
      written.add(target)
      manifest[name === PROJECT_COMPONENT ? rel : `${name}:${rel}`] = `/static/${name}/${encodePath(rel)}?v=${hash.slice(0, 12)}`
      const dest = join(out, target)
      if (existsSync(dest) && statSync(dest).size === data.length && sha256(readFileSync(dest)) === hash) {
        unchanged++
        continue
      }
      mkdirSync(dirname(dest), { recursive: true })
      const tmp = `${dest}.tao-tmp`
      copyFileSync(resolveWithinSync(root, rel)!, tmp)
      renameSync(tmp, dest)
      copied.push(target)
    }
  }
  // 3. Remove what an earlier run wrote and no source has any more.
  const removed: string[] = []
  for (const rel of previousFiles(out)) {
    if (written.has(rel)) continue
    const file = join(out, rel)
    if (!isInside(out, file) || !existsSync(file)) continue
    rmSync(file, { force: true })
    removeEmptyParents(out, file)
    removed.push(rel)
  }
  // 4. The manifest, only when it changed.
  const text = JSON.stringify(manifest, null, 2) + '\n'
  const manifestFile = join(out, MANIFEST)
  mkdirSync(out, { recursive: true })
  if (!existsSync(manifestFile) || readFileSync(manifestFile, 'utf8') !== text) writeFileSync(manifestFile, text)
  return { out, copied, unchanged, removed: removed.sort(), manifest }
}

/** Options of {@link collectStatic}. */
export interface CollectStaticOptions {
  /** Output folder (default: `<project>/var/static`). */
  out?: string
}

/**
 * `tao collectstatic`: copies the static files of every component of `app` into one folder
 * with the URL layout, for a web server in front (nginx: `location /static/ { alias <out>/; }`).
 * @throws TAO_ERR_STATIC_OUT_INVALID when `out` is inside an app or the project's static/
 * @see docs/reference/static.md
 */
export function collectStatic (app: TaoApp, opts: CollectStaticOptions = {}): CollectResult {
  const out = resolve(app.settings.root, opts.out ?? join('var', 'static'))
  return collectStaticFiles(app.fastify[kStaticFiles], app.registry, app.settings, out)
}
