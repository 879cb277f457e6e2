import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { messageFormatClass } from './message-format.js'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'

/** One language's messages: full key ('blog:Published {title}', or a project key) -> text. */
export type CatalogMessages = Map<string, string>

/** Every catalog of a project, read once at boot. */
export interface Catalogs {
  /** language -> messages (project catalogs already laid over the apps'). */
  readonly messages: ReadonlyMap<string, CatalogMessages>
  /** The files read, for `tao check` and error messages. */
  readonly files: readonly CatalogFile[]
}

/** A catalog file found on disk. */
export interface CatalogFile {
  /** 'blog' for apps/blog/locales, null for the project's locales/. */
  app: string | null
  lang: string
  file: string
  messages: Record<string, string>
}

/** Keys of a catalog file that are not messages: obsolete entries kept by `tao makemessages`. */
export const OBSOLETE_KEY = '@obsolete'

const LANG_FILE = /^([A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*)\.json$/

function readCatalog (file: string, root: string): Record<string, string> {
  const where = relative(root, file) || file
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw taoError('TAO_ERR_I18N_CATALOG_INVALID', [where, '(the file)', `it is not valid JSON: ${(err as Error).message}`], { file: where })
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw taoError('TAO_ERR_I18N_CATALOG_INVALID', [where, '(the file)', 'it must be a JSON object of "source text": "translation"'], { file: where })
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  for (const [key, value] of Object.entries(data)) {
    if (key === OBSOLETE_KEY) continue
    if (typeof value !== 'string') {
      throw taoError('TAO_ERR_I18N_CATALOG_INVALID', [where, key, 'its translation must be a string ("" when not translated yet)'], { file: where })
    }
    out[key] = value
  }
  return out
}

/** Parses every message once, so a malformed one fails the boot naming its file and key. */
function checkMessage (file: string, key: string, text: string, lang: string): void {
  try {
    // eslint-disable-next-line no-new
    new (messageFormatClass())(text, lang)
  } catch (err) {
    throw taoError('TAO_ERR_I18N_CATALOG_INVALID', [file, key, `it is not an ICU message: ${(err as Error).message}`], { file })
  }
}

function listCatalogs (dir: string): Array<{ lang: string, file: string }> {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const m = LANG_FILE.exec(name)
    return m ? [{ lang: m[1]!.replace('_', '-'), file: join(dir, name) }] : []
  }).sort((a, b) => a.file.localeCompare(b.file))
}

/**
 * Reads `apps/<app>/locales/<lang>.json` of every app and the project's `locales/<lang>.json`
 * (whose keys are 'app:source' to override an app's translation, or a bare source text).
 * Every message is parsed once here.
 * @throws TAO_ERR_I18N_CATALOG_INVALID naming the file and key
 */
export function loadCatalogs (root: string, registry: { readonly apps: ReadonlyArray<Pick<AppRegistry['apps'][number], 'name' | 'dir'>> }): Catalogs {
  const files: CatalogFile[] = []
  for (const app of registry.apps) {
    for (const { lang, file } of listCatalogs(join(app.dir, 'locales'))) files.push({ app: app.name, lang, file, messages: readCatalog(file, root) })
  }
  for (const { lang, file } of listCatalogs(join(root, 'locales'))) files.push({ app: null, lang, file, messages: readCatalog(file, root) })
  const messages = new Map<string, CatalogMessages>()
  for (const f of files) {
    const table = messages.get(f.lang) ?? new Map<string, string>()
    messages.set(f.lang, table)
    const where = relative(root, f.file) || f.file
    for (const [key, text] of Object.entries(f.messages)) {
      if (text === '') continue
      checkMessage(where, key, text, f.lang)
      table.set(f.app === null ? key : `${f.app}:${key}`, text)
    }
  }
  return { messages, files }
}
