import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import { displayPath, parseName, relativePathProblem, resolveWithin, resolveWithinSync, RealDirs } from '../names/index.js'
import type { Settings } from '../settings/index.js'

/** The component that serves a project's own static/ folder: `/static/static/<path>`. */
export const PROJECT_COMPONENT = 'static'

/** A folder of static files and the URL segment it is served under. */
export interface StaticComponent {
  /** 'static' for the project's static/, else the app name. */
  readonly name: string
  readonly dir: string
}

/** A file a static URL resolved to: its real path, and that path relative to its real root. */
export interface ServedFile {
  readonly file: string
  readonly root: string
  readonly rel: string
}

/** A static file named by `app:path` (or a project `path`). */
export interface LocatedFile {
  readonly component: string
  readonly rel: string
  /** The real file, or null when there is none. */
  readonly file: string | null
  /** Where it was looked for, for messages. */
  readonly tried: string
}

// Bounds the request-path cache: in-folder symlink loops could otherwise spell one file many ways.
const MAX_SERVED = 10_000

/** `css/a b.css` → `css/a%20b.css`. */
export function encodePath (rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/')
}

/**
 * The static files of one tao app: which folder serves `/static/<component>/`, the URL of a
 * named file (with a content hash when settings.static.hashed), and the containment-checked
 * lookup of a requested path. Folders are resolved at boot; in production (debug off) lookups,
 * URLs and hashes are computed once per file and kept in memory.
 */
export class StaticFiles {
  readonly #root: string
  readonly #registry: AppRegistry
  readonly #components: ReadonlyMap<string, StaticComponent>
  readonly #cache: boolean
  readonly #dirs: RealDirs
  readonly #hashed: boolean
  readonly #urls = new Map<string, string>()
  readonly #hashes = new Map<string, { hash: string, mtimeMs: number, size: number }>()
  readonly #served = new Map<string, ServedFile>()

  constructor (settings: Settings, registry: AppRegistry) {
    this.#root = settings.root
    this.#registry = registry
    this.#cache = !settings.debug
    this.#dirs = new RealDirs(this.#cache)
    this.#hashed = settings.static.hashed === true
    const list: StaticComponent[] = [
      { name: PROJECT_COMPONENT, dir: join(settings.root, 'static') },
      ...registry.apps.map((a) => ({ name: a.name, dir: join(a.dir, 'static') })),
    ]
    this.#components = new Map(list.map((c) => [c.name, Object.freeze(c)]))
    for (const c of list) this.#realDir(c.dir)
  }

  /** Every component: the project's static/ first, then each app's. */
  components (): StaticComponent[] {
    return [...this.#components.values()]
  }

  /** True when static() names get a `?v=<hash>` query. */
  get hashed (): boolean {
    return this.#hashed
  }

  #realDir (dir: string): string | null {
    return this.#dirs.get(dir)
  }

  /**
   * Where static file `name` is.
   * @throws TAO_ERR_NAME_INVALID, TAO_ERR_APP_NOT_FOUND
   */
  locate (name: string): LocatedFile {
    const { app, path } = parseName(name, 'static file')
    const component = app === null ? PROJECT_COMPONENT : this.#registry.get(app).name
    const dir = this.#components.get(component)!.dir
    const real = this.#realDir(dir)
    let file = real === null ? null : resolveWithinSync(real, path)
    if (file !== null && !isFileSync(file)) file = null
    return { component, rel: path, file, tried: this.display(join(dir, path)) }
  }

  /**
   * The URL of static file `name`: `/static/<app>/<path>` (`/static/static/<path>` for the
   * project's static/), plus `?v=<content hash>` when settings.static.hashed.
   * @throws TAO_ERR_STATIC_NOT_FOUND (details.tried), TAO_ERR_NAME_INVALID, TAO_ERR_APP_NOT_FOUND
   * @example files.url('blog:css/site.css') // '/static/blog/css/site.css?v=3f2a9c0d41b7'
   */
  url (name: string): string {
    const cached = this.#urls.get(name)
    if (cached !== undefined) return cached
    const found = this.locate(name)
    if (found.file === null) throw taoError('TAO_ERR_STATIC_NOT_FOUND', [name, [found.tried]], { tried: [found.tried], name })
    let url = `/static/${found.component}/${encodePath(found.rel)}`
    if (this.#hashed) url += `?v=${this.hash(found.file)}`
    if (this.#cache) this.#urls.set(name, url)
    return url
  }

  /** The content hash of a file (12 hex digits of SHA-256): once per file, or per change in development. */
  hash (file: string): string {
    const known = this.#hashes.get(file)
    if (known !== undefined && this.#cache) return known.hash
    const st = statSync(file)
    if (known !== undefined && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.hash
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)
    this.#hashes.set(file, { hash, mtimeMs: st.mtimeMs, size: st.size })
    return hash
  }

  /**
   * The file a request for `/static/<component>/<rel>` serves, or null (404): `rel` must be a
   * safe relative path (no `..`, `.`, empty segments, dotfiles, backslashes or NUL) whose real
   * path is a regular file inside the component's real folder.
   */
  async serve (component: string, rel: string): Promise<ServedFile | null> {
    const key = `${component}/${rel}`
    const hit = this.#served.get(key)
    if (hit !== undefined) return hit
    if (relativePathProblem(rel) !== null) return null
    const c = this.#components.get(component)
    const root = c === undefined ? null : this.#realDir(c.dir)
    if (root === null) return null
    const file = await resolveWithin(root, rel)
    if (file === null) return null
    try {
      if (!(await stat(file)).isFile()) return null
    } catch {
      return null
    }
    const served = Object.freeze({ file, root, rel: relative(root, file).split(sep).join('/') })
    if (this.#cache && this.#served.size < MAX_SERVED) this.#served.set(key, served)
    return served
  }

  /** A path as shown in messages: relative to the project when inside it. */
  display (file: string): string {
    return displayPath(this.#root, file)
  }
}

function isFileSync (file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}
