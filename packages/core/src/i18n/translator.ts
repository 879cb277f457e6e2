import type { IntlMessageFormat } from 'intl-messageformat'
import { messageFormatClass } from './message-format.js'
import nunjucks from 'nunjucks'
import type { CatalogMessages, Catalogs } from './catalogs.js'

/** Values a message is formatted with: `{title}` reads `values.title`. */
export type MessageValues = Record<string, unknown>

/** Options of {@link Translator}. */
export interface TranslatorOptions {
  languages: readonly string[]
  defaultLanguage: string
  /** App names: `t('blog:Hello')` belongs to the app `blog` only when `blog` is one of these. */
  apps: ReadonlySet<string>
  timeZone: string
  /** Called once per (language, key) that has no translation (tao logs it under debug). */
  onMissing?: ((lang: string, key: string) => void) | undefined
}

const escape = (nunjucks.lib as unknown as { escape: (s: string) => string }).escape
const { SafeString } = nunjucks.runtime
/** Most compiled messages kept; beyond it the oldest go (keys come from code, but stay safe). */
const MAX_COMPILED = 5000
const APP_PREFIX = /^([a-z][a-z0-9_]*):/

/**
 * Translates message keys of the `app:source text` grammar into a language, in ICU
 * MessageFormat (plurals, selects, numbers and dates inside messages) through FormatJS's
 * intl-messageformat. Lookup: the language, then its base language ('fr-CA' -> 'fr'), then
 * the default language, then the source text itself. Messages are compiled once and kept.
 */
export class Translator {
  readonly #opts: TranslatorOptions
  readonly #tables: ReadonlyMap<string, CatalogMessages>
  readonly #compiled = new Map<string, IntlMessageFormat>()
  readonly #missing = new Set<string>()
  readonly #formats: ConstructorParameters<typeof IntlMessageFormat>[2]

  constructor (catalogs: Catalogs, opts: TranslatorOptions) {
    this.#opts = opts
    this.#tables = catalogs.messages
    // intl-messageformat lays these over its own named formats: only the time zone changes.
    const zoned = { timeZone: opts.timeZone }
    this.#formats = {
      date: { short: zoned, medium: zoned, long: zoned, full: zoned },
      time: { short: zoned, medium: zoned, long: zoned, full: zoned },
    } as ConstructorParameters<typeof IntlMessageFormat>[2]
  }

  /** The source text of a key: 'blog:Published {title}' -> 'Published {title}'. */
  source (key: string): string {
    const m = APP_PREFIX.exec(key)
    return m && this.#opts.apps.has(m[1]!) ? key.slice(m[0].length) : key
  }

  /** The catalog text for `key` in `lang` (with fallbacks), or the source text. */
  lookup (lang: string, key: string): { text: string, lang: string } {
    const tables = this.#tables
    const hit = tables.get(lang)?.get(key)
    if (hit !== undefined) return { text: hit, lang }
    const base = lang.split('-')[0]!
    if (base !== lang) {
      const b = tables.get(base)?.get(key)
      if (b !== undefined) return { text: b, lang: base }
    }
    if (lang !== this.#opts.defaultLanguage) {
      this.#reportMissing(lang, key)
      const d = tables.get(this.#opts.defaultLanguage)?.get(key)
      if (d !== undefined) return { text: d, lang: this.#opts.defaultLanguage }
    }
    return { text: this.source(key), lang: this.#opts.defaultLanguage }
  }

  #reportMissing (lang: string, key: string): void {
    if (!this.#opts.onMissing) return
    const id = `${lang}\0${key}`
    if (this.#missing.has(id) || this.#missing.size > MAX_COMPILED) return
    this.#missing.add(id)
    this.#opts.onMissing(lang, key)
  }

  #message (lang: string, key: string): IntlMessageFormat {
    const id = `${lang}\0${key}`
    let fmt = this.#compiled.get(id)
    if (fmt === undefined) {
      const { text } = this.lookup(lang, key)
      // Formatted in the requested language (numbers, dates, plural rules), whatever catalog
      // the text came from. Tags are text: markup is the translator's, not a formatting hook.
      fmt = new (messageFormatClass())(text, lang, this.#formats, { ignoreTag: true })
      if (this.#compiled.size >= MAX_COMPILED) this.#compiled.delete(this.#compiled.keys().next().value!)
      this.#compiled.set(id, fmt)
    }
    return fmt
  }

  /**
   * Plain text: the message of `key` in `lang` with `values` filled in.
   * @example translator.t('fr', 'blog:{count, plural, one {# post} other {# posts}}', { count: 2 })
   */
  t (lang: string, key: string, values?: MessageValues): string {
    return String(this.#message(lang, key).format(values as Record<string, string>))
  }

  /**
   * HTML for templates: values are escaped (unless marked safe), the message's own markup is
   * kept, and the result is marked safe so autoescaping does not escape it twice.
   */
  html (lang: string, key: string, values?: MessageValues): nunjucks.runtime.SafeString {
    let safeValues: Record<string, unknown> | undefined
    if (values) {
      safeValues = Object.create(null) as Record<string, unknown>
      for (const [k, v] of Object.entries(values)) {
        safeValues[k] = v instanceof SafeString
          ? String(v)
          : typeof v === 'number' || typeof v === 'bigint' || v instanceof Date || v === null || v === undefined ? v : escape(String(v))
      }
    }
    return new SafeString(this.t(lang, key, safeValues))
  }
}
