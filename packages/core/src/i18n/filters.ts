import nunjucks from 'nunjucks'

/**
 * Template filters for dates, numbers and text, formatted with `Intl` in the language of the
 * request being rendered. Each is escaping-safe: text filters escape their input first when
 * they produce HTML, and keep the safeness of what they were given otherwise.
 */

const { SafeString } = nunjucks.runtime
const escape = (nunjucks.lib as unknown as { escape: (s: string) => string }).escape
const copySafeness = (nunjucks.runtime as unknown as { copySafeness: (input: unknown, output: string) => unknown }).copySafeness
type Safe = nunjucks.runtime.SafeString

/**
 * What a filter reads of the render it runs in: the language and the time zone. `ctx` is the
 * Nunjucks context the filter was called with (its `this`).
 */
export interface FormatScope {
  locale (ctx: unknown): string
  timeZone (ctx: unknown): string
}

/** Named date formats of the `date` filter (Django's DATE_FORMAT names, in Intl terms). */
export const DATE_FORMATS: Readonly<Record<string, Intl.DateTimeFormatOptions>> = Object.freeze({
  short: { dateStyle: 'short' },
  medium: { dateStyle: 'medium' },
  long: { dateStyle: 'long' },
  full: { dateStyle: 'full' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'short' },
  month: { year: 'numeric', month: 'long' },
})

function toDate (value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value
  if (typeof value === 'number' || typeof value === 'string') {
    const d = new Date(value)
    return Number.isNaN(d.getTime()) ? null : d
  }
  return null
}

function toNumber (value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : null
  }
  // Decimal128, Long, Int32 from the driver print their value.
  if (value !== null && typeof value === 'object' && typeof (value as { toString?: unknown }).toString === 'function') {
    const n = Number(String(value))
    return Number.isFinite(n) ? n : null
  }
  return null
}

// Intl objects are costly to build; one per (locale, options) is kept.
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.ListFormat>()
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.ListFormat> (kind: string, locale: string, opts: object, make: () => T): T {
  const key = `${kind}|${locale}|${JSON.stringify(opts)}`
  let f = cache.get(key) as T | undefined
  if (f === undefined) {
    if (cache.size > 500) cache.clear()
    f = make()
    cache.set(key, f)
  }
  return f
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86400], ['month', 30 * 86400], ['week', 7 * 86400], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1],
]
const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const

/** Builds the filters, reading the language and time zone of the current render from `scope`. */
export function formatFilters (scope: FormatScope): Record<string, (...args: never[]) => unknown> {
  return {
    /** `{{ post.at | date }}`, `| date('long')`, `| date('datetime', 'Europe/Paris')`, `| date({ weekday: 'long' })`, `| date('iso')`. */
    date (this: unknown, value: unknown, format: string | Intl.DateTimeFormatOptions = 'medium', timeZone?: string): string {
      const d = toDate(value)
      if (d === null) return value === null || value === undefined ? '' : String(value)
      if (format === 'iso') return d.toISOString()
      const base = typeof format === 'string' ? DATE_FORMATS[format] : format
      if (base === undefined) throw new Error(`unknown date format '${String(format)}': use one of ${Object.keys(DATE_FORMATS).join(', ')}, 'iso', or an Intl.DateTimeFormat options object`)
      const opts = { ...base, timeZone: timeZone ?? base.timeZone ?? scope.timeZone(this) }
      const locale = scope.locale(this)
      return cached('date', locale, opts, () => new Intl.DateTimeFormat(locale, opts)).format(d)
    },
    /** `{{ comment.at | timesince }}`: "3 minutes ago", "yesterday", in the request's language. */
    timesince (this: unknown, value: unknown, now?: unknown): string {
      const d = toDate(value)
      if (d === null) return ''
      const ref = toDate(now) ?? new Date()
      const seconds = Math.round((d.getTime() - ref.getTime()) / 1000)
      const [unit, size] = RELATIVE_UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1]
      const locale = scope.locale(this)
      return cached('rel', locale, {}, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(Math.trunc(seconds / size), unit)
    },
    /** `{{ n | number }}`, `| number(2)` (at most 2 fraction digits), or Intl.NumberFormat options. */
    number (this: unknown, value: unknown, digits?: number | Intl.NumberFormatOptions): string {
      const n = toNumber(value)
      if (n === null) return value === null || value === undefined ? '' : String(value)
      const opts = typeof digits === 'number' ? { maximumFractionDigits: digits } : (digits ?? {})
      const locale = scope.locale(this)
      return cached('num', locale, opts, () => new Intl.NumberFormat(locale, opts)).format(n)
    },
    /** `{{ price | currency('EUR') }}`. */
    currency (this: unknown, value: unknown, code = 'USD'): string {
      const n = toNumber(value)
      if (n === null) return ''
      const opts = { style: 'currency', currency: code } as const
      const locale = scope.locale(this)
      return cached('num', locale, opts, () => new Intl.NumberFormat(locale, opts)).format(n)
    },
    /** `{{ 0.256 | percent }}` -> "26%"; `| percent(1)` -> "25.6%". */
    percent (this: unknown, value: unknown, digits = 0): string {
      const n = toNumber(value)
      if (n === null) return ''
      const opts = { style: 'percent', maximumFractionDigits: digits } as const
      const locale = scope.locale(this)
      return cached('num', locale, opts, () => new Intl.NumberFormat(locale, opts)).format(n)
    },
    /** `{{ bytes | filesizeformat }}` -> "1.5 MB" (units of 1024, as Django's). */
    filesizeformat (this: unknown, value: unknown): string {
      let n = toNumber(value) ?? 0
      let i = 0
      while (Math.abs(n) >= 1024 && i < SIZE_UNITS.length - 1) { n /= 1024; i++ }
      const opts = { style: 'unit', unit: SIZE_UNITS[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 } as const
      const locale = scope.locale(this)
      return cached('num', locale, opts, () => new Intl.NumberFormat(locale, opts)).format(n)
    },
    /** `{{ names | list }}` -> "Ann, Bob, and Cy"; `| list('disjunction')` -> "… or Cy". */
    list (this: unknown, value: unknown, type: 'conjunction' | 'disjunction' | 'unit' = 'conjunction'): unknown {
      if (!Array.isArray(value)) return value
      const locale = scope.locale(this)
      const opts = { type }
      const items = value.map((v) => (v instanceof SafeString ? String(v) : escape(String(v))))
      return new SafeString(cached('list', locale, opts, () => new Intl.ListFormat(locale, opts)).format(items))
    },
  }
}

/** Django's text filters most people reach for first. */
export const textFilters: Record<string, (...args: never[]) => unknown> = {
  /** `{{ body | truncatewords(30) }}`: at most n words, then "…". */
  truncatewords (value: unknown, n = 30): unknown {
    const s = value === null || value === undefined ? '' : String(value)
    const words = s.trim().split(/\s+/)
    if (words.length <= n) return value
    return copySafeness(value, `${words.slice(0, Math.max(0, n)).join(' ')} …`)
  },
  /** Paragraphs (`<p>`) for blank-line separated text, `<br>` for single newlines; escapes first. */
  linebreaks (value: unknown): Safe {
    const s = value instanceof SafeString ? String(value) : escape(value === null || value === undefined ? '' : String(value))
    const paras = s.replace(/\r\n?/g, '\n').split(/\n{2,}/).filter((p) => p.trim() !== '')
    return new SafeString(paras.map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('\n'))
  },
  /** `<br>` for each newline; escapes first. */
  linebreaksbr (value: unknown): Safe {
    const s = value instanceof SafeString ? String(value) : escape(value === null || value === undefined ? '' : String(value))
    return new SafeString(s.replace(/\r\n?|\n/g, '<br>'))
  },
  /** `{{ n }} post{{ n | pluralize }}`; `| pluralize('es')`; `| pluralize('y,ies')`. */
  pluralize (value: unknown, suffix = 's'): string {
    const n = Array.isArray(value) ? value.length : Number(value)
    const [one, many] = suffix.includes(',') ? suffix.split(',', 2) as [string, string] : ['', suffix]
    return n === 1 ? one : many
  },
  /** The value, or `fallback` when it is null or undefined (not when it is '' or 0). */
  default_if_none (value: unknown, fallback: unknown = ''): unknown {
    return value === null || value === undefined ? fallback : value
  },
  /** `{{ done | yesno }}` -> yes/no/maybe; `| yesno('on,off')`; a third word is for null. */
  yesno (value: unknown, words = 'yes,no,maybe'): string {
    const [yes = 'yes', no = 'no', maybe] = words.split(',')
    if (value === null || value === undefined) return maybe ?? no
    return value ? yes : no
  },
}
