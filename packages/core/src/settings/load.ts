import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { importFile } from '../apps/import-module.js'
import { taoError } from '../errors/index.js'
import type { UserSettings } from './define-settings.js'
import { settingsSchema, type Settings } from './schema.js'

/** Where a project's settings module lives: compiled output first when `modulesRoot` differs. */
export function findSettingsFile (modulesRoot: string): string | null {
  for (const name of ['settings.js', 'settings.ts', 'settings.mjs', 'settings.mts']) {
    const file = join(modulesRoot, name)
    if (existsSync(file)) return file
  }
  return null
}

/** Reads `<root>/.env` (if any) under the process environment, which wins. */
export function readEnv (root: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(root, '.env')
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {}
  return { ...fromFile, ...env }
}

/** TAO_* environment variables and the settings key each one overrides. */
export const envOverrides: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['TAO_DEBUG', ['debug']],
  ['TAO_DEBUG_TOOLBAR', ['debugToolbar']],
  ['TAO_DEBUG_TOOLBAR_ADDRESSES', ['debugToolbarAddresses']],
  ['TAO_SECRET_KEY', ['secretKey']],
  ['TAO_ALLOWED_HOSTS', ['allowedHosts']],
  ['TAO_LOG_LEVEL', ['logLevel']],
  ['TAO_LOG_FORMAT', ['logFormat']],
  ['TAO_HOST', ['server', 'host']],
  ['TAO_PORT', ['server', 'port']],
  ['TAO_SOCKET', ['server', 'socket']],
  ['TAO_TRUST_PROXY', ['server', 'trustProxy']],
  ['TAO_WORKERS', ['server', 'workers']],
  ['TAO_DATABASE_URL', ['database', 'url']],
  ['TAO_DATABASE_NAME', ['database', 'name']],
  ['TAO_LANGUAGES', ['languages']],
  ['TAO_TIME_ZONE', ['timeZone']],
  ['TAO_MAIL_URL', ['mail', 'url']],
  ['TAO_REDIS_URL', ['redis', 'url']],
]

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge of plain objects; arrays and other values from `over` replace. */
export function merge (base: Obj, over: Obj): Obj {
  const out: Obj = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue
    out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Obj, v) : v
  }
  return out
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * Validates and normalizes raw settings (file values, then overrides, then TAO_* variables),
 * and returns them deep-frozen.
 * @throws TAO_ERR_SETTINGS_INVALID listing every problem with its key path.
 */
export function buildSettings (raw: Obj, opts: { root: string, file: string, env: Record<string, string | undefined> }): Settings {
  let input = raw
  const sources = new Map<string, string>()
  for (const [name, path] of envOverrides) {
    const value = opts.env[name]
    if (value === undefined || value === '') continue
    let patch: Obj = { [path[path.length - 1]!]: value }
    for (let i = path.length - 2; i >= 0; i--) patch = { [path[i]!]: patch }
    input = merge(input, patch)
    sources.set(path.join('.'), name)
  }
  const problems: string[] = []
  const normalized = settingsSchema(input, '', problems) as Obj
  languageProblems(normalized, problems)
  if (problems.length > 0) {
    // Name the environment variable when a problem came from one.
    const described = problems.map((p) => {
      const key = p.slice(0, p.indexOf(':'))
      const from = sources.get(key.replace(/\[\d+\]$/, ''))
      return from ? `${p} (from the environment variable ${from})` : p
    })
    throw taoError('TAO_ERR_SETTINGS_INVALID', [opts.file, described], { file: opts.file })
  }
  const s = normalized as ReturnType<typeof settingsSchema>
  // 'auto' choices follow debug: production caches and hashes, development does not.
  if (s.templates.cache === 'auto') s.templates.cache = !s.debug
  if (s.static.hashed === 'auto') s.static.hashed = !s.debug
  // A development server stops on an unreachable database; production starts and answers 503.
  if (s.database.requireOnStart === 'auto') s.database.requireOnStart = s.debug
  // Redis keys and channels of one site: named after its database unless set.
  if (s.redis.prefix === undefined) s.redis.prefix = `tao:${s.database.name}:`
  if (typeof s.secretKey === 'string' && s.secretKey.includes(',')) {
    s.secretKey = s.secretKey.split(',').map((k) => k.trim()).filter(Boolean)
  }
  return deepFreeze({ ...s, root: opts.root, file: opts.file }) as Settings
}

/** Cross-key checks of the i18n settings: the default language is one of the languages. */
function languageProblems (s: Obj, problems: string[]): void {
  const languages = s.languages as string[]
  if (languages.length === 0) problems.push('languages: expected at least one language tag, got []')
  else if (s.defaultLanguage === undefined) s.defaultLanguage = languages[0]
  else if (!languages.includes(s.defaultLanguage as string)) {
    problems.push(`defaultLanguage: expected one of languages (${languages.join(', ')}), got '${String(s.defaultLanguage)}'`)
  }
}

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** Project root (where .env, apps/ and templates/ live). */
  root: string
  /** Where compiled modules live (default: root). */
  modulesRoot?: string
  /** Settings applied over the file's (tests use this). */
  overrides?: UserSettings
  /** Environment (default: process.env, over the project's .env). */
  env?: NodeJS.ProcessEnv
  /** Skip the settings file (inline settings only). */
  inline?: boolean
}

/**
 * Loads a project's settings: imports settings.ts (or compiled settings.js), applies
 * overrides and TAO_* variables, validates once, and returns a frozen object.
 * @throws TAO_ERR_PROJECT_NOT_FOUND, TAO_ERR_SETTINGS_LOAD, TAO_ERR_SETTINGS_INVALID
 */
export async function loadSettings (opts: LoadSettingsOptions): Promise<Settings> {
  const root = resolve(opts.root)
  const env = readEnv(root, opts.env)
  if (opts.inline) {
    return buildSettings((opts.overrides ?? {}) as Obj, { root, file: '(inline settings)', env })
  }
  const file = findSettingsFile(opts.modulesRoot ?? root)
  if (!file) throw taoError('TAO_ERR_PROJECT_NOT_FOUND', [root])
  let mod: { default?: unknown }
  try {
    mod = await importFile(file)
  } catch (err) {
    throw taoError('TAO_ERR_SETTINGS_LOAD', [file, (err as Error).message], { file }, { cause: err })
  }
  if (!isObj(mod.default)) {
    throw taoError('TAO_ERR_SETTINGS_LOAD', [file, 'it has no default export object'], { file })
  }
  return buildSettings(merge(mod.default, (opts.overrides ?? {}) as Obj), { root, file, env })
}
