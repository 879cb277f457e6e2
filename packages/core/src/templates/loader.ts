import { existsSync, lstatSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AppRegistry } from '../apps/index.js'
import { taoError, type TaoError } from '../errors/index.js'
import { displayPath, parseName, resolveWithinSync, RealDirs } from '../names/index.js'

/** A template found on disk: its name, its real file and its source text. */
export interface TemplateSource {
  readonly name: string
  readonly file: string
  readonly src: string
}

/** One place a name may live: a templates folder and a path inside it. */
interface Candidate {
  readonly dir: string
  readonly rel: string
}

const EXTENSIONS = ['.html', '.njk']

/** `post/detail` → ['post/detail.html', 'post/detail.njk']; an explicit extension is kept. */
function withExtensions (path: string): string[] {
  return EXTENSIONS.some((ext) => path.endsWith(ext)) ? [path] : EXTENSIONS.map((ext) => path + ext)
}

/**
 * Maps template names to files, and never reads outside a templates folder:
 *   - `app:path` → `<project>/templates/<app>/<path>.html|.njk` (the project overrides any
 *     app, built-in and package apps included), then `apps/<app>/templates/<path>.html|.njk`;
 *   - `path` → `<project>/templates/<path>.html|.njk`.
 * Names are checked by the `app:thing` grammar (no `..`, absolute paths, backslashes, NUL
 * bytes, dotfiles); each candidate is joined and checked on its real path, so a symlink that
 * points out of its templates folder is not followed.
 */
export class TemplateLoader {
  readonly #root: string
  readonly #registry: AppRegistry
  readonly #projectDir: string
  /** Real path of each templates folder (null while it does not exist). */
  readonly #cache: boolean
  readonly #dirs: RealDirs

  /** @param cache when true, folders are resolved once; otherwise re-checked while missing. */
  constructor (root: string, registry: AppRegistry, cache: boolean) {
    this.#root = root
    this.#registry = registry
    this.#projectDir = join(root, 'templates')
    this.#cache = cache
    this.#dirs = new RealDirs(this.#cache)
    for (const dir of [this.#projectDir, ...registry.apps.map((a) => join(a.dir, 'templates'))]) this.#realDir(dir)
  }

  #realDir (dir: string): string | null {
    return this.#dirs.get(dir)
  }

  /** The real path of every templates folder that exists: the project's, then each app's. */
  folders (): string[] {
    const dirs = [this.#projectDir, ...this.#registry.apps.map((a) => join(a.dir, 'templates'))].map((d) => this.#realDir(d))
    return [...new Set(dirs.filter((d) => d !== null))]
  }

  /**
   * Every file `name` may live in, in lookup order.
   * @throws TAO_ERR_NAME_INVALID for a malformed name; TAO_ERR_APP_NOT_FOUND for an unknown app.
   */
  candidates (name: string): Candidate[] {
    const { app, path } = parseName(name, 'template')
    const files = withExtensions(path)
    if (app === null) return files.map((rel) => ({ dir: this.#projectDir, rel }))
    const appDir = join(this.#registry.get(app).dir, 'templates')
    return [
      ...files.map((rel) => ({ dir: this.#projectDir, rel: `${app}/${rel}` })),
      ...files.map((rel) => ({ dir: appDir, rel })),
    ]
  }

  /**
   * Reads the first existing file for `name`, or returns null when there is none.
   * @throws TAO_ERR_NAME_INVALID, TAO_ERR_APP_NOT_FOUND
   */
  load (name: string): TemplateSource | null {
    for (const c of this.candidates(name)) {
      const dir = this.#realDir(c.dir)
      if (dir === null) continue
      const file = resolveWithinSync(dir, c.rel)
      if (file === null) continue
      try {
        return { name, file, src: readFileSync(file, 'utf8') }
      } catch {
        // A folder named like a template, or a file removed meanwhile: not a template.
      }
    }
    return null
  }

  /** The TAO_ERR_TEMPLATE_NOT_FOUND error for `name`, listing every path searched. */
  notFound (name: string): TaoError {
    const tried = this.candidates(name).map((c) => {
      const joined = join(c.dir, c.rel)
      let note = ''
      try {
        if (lstatSync(joined).isSymbolicLink() || existsSync(joined)) {
          note = this.#realDir(c.dir) === null
            ? ' (exists, but its folder was created after start: restart the server)'
            : ' (exists, but leads outside its templates folder or is not a file; not followed)'
        }
      } catch {}
      return this.display(joined) + note
    })
    return taoError('TAO_ERR_TEMPLATE_NOT_FOUND', [name, tried], { tried, name })
  }

  /** A path as shown in messages: relative to the project when inside it. */
  display (file: string): string {
    return displayPath(this.#root, file)
  }
}
