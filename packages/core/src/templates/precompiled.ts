import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInThisContext } from 'node:vm'
import type { TemplateProps } from './compile.js'

/** The folder of a build's compiled templates, inside the build output (`build/`). */
export const PRECOMPILED_DIR = '.tao-templates'
const MANIFEST = 'manifest.json'
const FORMAT = 1

/** The key of a template's source text: compiled code is looked up by content, never by name or time. */
export function sourceHash (src: string): string {
  return createHash('sha256').update(src).digest('hex').slice(0, 40)
}

/** One compiled template file, as `tao build` writes it. */
export interface PrecompiledTemplate {
  /** The template file, as shown in messages (relative to the project). */
  readonly file: string
  readonly hash: string
  /** Nunjucks's compiled function body after tao's post-pass (compile.ts). */
  readonly code: string
}

interface Manifest {
  format: number
  fingerprint: string
  templates: Record<string, string>
}

/**
 * Writes compiled templates into `<outDir>/.tao-templates/`: one CommonJS module per distinct
 * source (`<hash>.cjs`, exporting the function that returns the template's root and blocks)
 * and a manifest naming the compiler they were made by (see compilerFingerprint).
 */
export function writePrecompiled (outDir: string, fingerprint: string, templates: readonly PrecompiledTemplate[]): void {
  const dir = join(outDir, PRECOMPILED_DIR)
  mkdirSync(dir, { recursive: true })
  const manifest: Manifest = { format: FORMAT, fingerprint, templates: {} }
  for (const t of templates) {
    manifest.templates[t.hash] = t.file
    writeFileSync(join(dir, `${t.hash}.cjs`), `// ${t.file.replace(/[\r\n\u2028\u2029]/g, ' ')}: compiled by tao build\nmodule.exports = function () {\n${t.code}\n}\n`)
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 1) + '\n')
}

/**
 * The compiled templates of a build, read on first use (boot does not pay for them). A
 * template is taken from here only when its current source text has the hash it was compiled
 * from and the build's compiler is this process's (same Nunjucks, post-pass and tags): a file
 * edited since the build, or a build by another tao, is compiled again instead.
 */
export class PrecompiledTemplates {
  readonly #dir: string
  #known: Set<string> | null = null

  /** @param outDir the build output (`tao start`'s modules root) */
  constructor (outDir: string) {
    this.#dir = join(outDir, PRECOMPILED_DIR)
  }

  /** Reads the manifest once; an unreadable or foreign one means nothing is precompiled. */
  #load (fingerprint: string): Set<string> {
    let known = new Set<string>()
    try {
      const manifest = JSON.parse(readFileSync(join(this.#dir, MANIFEST), 'utf8')) as Manifest
      if (manifest.format === FORMAT && manifest.fingerprint === fingerprint) known = new Set(Object.keys(manifest.templates))
    } catch {}
    return known
  }

  /** The compiled functions of `src`, or null when the build has none for this text. */
  get (src: string, fingerprint: string): TemplateProps | null {
    this.#known ??= this.#load(fingerprint)
    if (this.#known.size === 0) return null
    const hash = sourceHash(src)
    if (!this.#known.has(hash)) return null
    try {
      return load(join(this.#dir, `${hash}.cjs`))
    } catch {
      // A module removed or damaged since the build: compiling the source gives the same template.
      this.#known.delete(hash)
      return null
    }
  }
}

/**
 * Runs a compiled template module as CommonJS would, without Node's module cache (a rebuild
 * read by a later app in the same process is read again); stack traces name the file.
 */
function load (file: string): TemplateProps {
  const module = { exports: null as unknown }
  const wrapper = runInThisContext(`(function (module, exports) {${readFileSync(file, 'utf8')}\n})`, { filename: file }) as (m: object, e: object) => void
  wrapper(module, {})
  return (module.exports as () => TemplateProps)()
}

const TEMPLATE_FILE = /\.(html|njk)$/

/**
 * Every template file under `dirs` (`.html` and `.njk`, as the loader resolves names), in a
 * stable order. Dot entries are skipped (no name reaches them) and links are not followed
 * (the loader does not follow those leading out; those staying in are compiled on first use).
 */
export function templateFiles (dirs: readonly string[]): string[] {
  const files = new Set<string>()
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (e.isFile() && TEMPLATE_FILE.test(e.name)) files.add(path)
    }
  }
  for (const dir of dirs) walk(dir)
  return [...files]
}
