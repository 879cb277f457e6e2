import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { OBSOLETE_KEY } from './catalogs.js'

/**
 * `tao makemessages`: finds the translatable strings of a project's code and templates (the
 * first argument of `t('...')` / `req.t("...")`, a string literal) and writes them into each
 * app's `locales/<lang>.json`, keeping translations, adding new strings untranslated ("") and
 * moving strings no longer used under "@obsolete" (restored if they come back).
 */

// t( or .t( then a quoted literal with no interpolation; the key is the literal's text.
const CALL = /(?<![\w$])t\(\s*(?:'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)"|`((?:\\.|[^`\\$])*)`)/g
const CODE = /\.(ts|mts|js|mjs|html|njk)$/
const SKIP = new Set(['node_modules', 'build', 'dist', 'var', 'test', 'locales', 'static', 'migrations'])
const APP_PREFIX = /^([a-z][a-z0-9_]*):/

function unescape (s: string): string {
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16))
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16))
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16))
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e
  })
}

/** The message keys used in one source text. */
export function extractKeys (source: string): string[] {
  const keys: string[] = []
  for (const m of source.matchAll(CALL)) keys.push(unescape(m[1] ?? m[2] ?? m[3] ?? ''))
  return keys.filter((k) => k !== '')
}

function walk (dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || SKIP.has(e.name)) continue
    const path = join(dir, e.name)
    if (e.isDirectory()) walk(path, out)
    else if (CODE.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.includes('.test.')) out.push(path)
  }
  return out
}

/** A project app whose code is scanned (built-in and package apps ship their own catalogs). */
export interface ScannedApp { name: string, dir: string }

/** Where each key goes: 'blog:Hello' to the app blog, a bare key to the project catalog. */
export function collectKeys (root: string, apps: readonly ScannedApp[]): Map<string | null, Map<string, string[]>> {
  const names = new Set(apps.map((a) => a.name))
  const byTarget = new Map<string | null, Map<string, string[]>>()
  const add = (target: string | null, key: string, where: string) => {
    const keys = byTarget.get(target) ?? new Map<string, string[]>()
    byTarget.set(target, keys)
    keys.set(key, [...(keys.get(key) ?? []), where])
  }
  const files = [...apps.flatMap((a) => walk(a.dir, [])), ...walk(join(root, 'templates'), [])]
  for (const file of files) {
    const where = relative(root, file)
    for (const key of extractKeys(readFileSync(file, 'utf8'))) {
      const m = APP_PREFIX.exec(key)
      if (m && names.has(m[1]!)) add(m[1]!, key.slice(m[0].length), where)
      else add(null, key, where)
    }
  }
  for (const a of apps) if (!byTarget.has(a.name)) byTarget.set(a.name, new Map())
  return byTarget
}

/** What one catalog file became. */
export interface CatalogUpdate { file: string, added: number, obsolete: number, kept: number }

/** Merges `keys` into the catalog at `file` (created if missing). */
export function updateCatalog (file: string, keys: Iterable<string>): CatalogUpdate {
  const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {}
  const oldObsolete = (typeof old[OBSOLETE_KEY] === 'object' && old[OBSOLETE_KEY] !== null ? old[OBSOLETE_KEY] : {}) as Record<string, string>
  const current = new Set(keys)
  const out: Record<string, unknown> = {}
  let added = 0
  let kept = 0
  for (const key of [...current].sort()) {
    const prev = typeof old[key] === 'string' ? old[key] : oldObsolete[key]
    if (prev === undefined) added++
    else kept++
    out[key] = prev ?? ''
  }
  const obsolete: Record<string, string> = {}
  for (const [k, v] of [...Object.entries(old), ...Object.entries(oldObsolete)]) {
    if (k !== OBSOLETE_KEY && !current.has(k) && typeof v === 'string') obsolete[k] = v
  }
  if (Object.keys(obsolete).length > 0) out[OBSOLETE_KEY] = obsolete
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n')
  return { file, added, obsolete: Object.keys(obsolete).length, kept }
}

/** Writes every catalog of `languages` for the project's apps and the project itself. */
export function makeMessages (root: string, apps: readonly ScannedApp[], languages: readonly string[]): CatalogUpdate[] {
  const out: CatalogUpdate[] = []
  for (const [target, keys] of collectKeys(root, apps)) {
    const dir = target === null ? join(root, 'locales') : join(apps.find((a) => a.name === target)!.dir, 'locales')
    if (target === null && keys.size === 0) continue
    for (const lang of languages) out.push(updateCatalog(join(dir, `${lang}.json`), keys.keys()))
  }
  return out
}

/** Catalog files whose keys are missing or untranslated against the default language's catalog. */
export function missingTranslations (files: ReadonlyArray<{ app: string | null, lang: string, file: string, messages: Record<string, string> }>, defaultLanguage: string): Array<{ file: string, lang: string, missing: string[] }> {
  const out: Array<{ file: string, lang: string, missing: string[] }> = []
  for (const f of files) {
    if (f.lang === defaultLanguage) continue
    const reference = files.find((d) => d.app === f.app && d.lang === defaultLanguage)
    if (!reference) continue
    const missing = Object.keys(reference.messages).filter((k) => !f.messages[k])
    if (missing.length > 0) out.push({ file: f.file, lang: f.lang, missing })
  }
  return out
}
