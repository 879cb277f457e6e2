/**
 * Language negotiation: which of the site's languages answers a request. Pure functions over
 * header values, so hostile input costs a bounded parse and never throws.
 */

/** One entry of an Accept-Language header. */
export interface LanguageRange {
  /** Lower-cased range: 'fr-ca', 'fr', or '*'. */
  tag: string
  q: number
}

// A language range of RFC 4647: letters, then '-'-separated alphanumeric subtags of 1-8.
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i
/** More entries than any browser sends; the rest of a longer header is ignored. */
const MAX_RANGES = 32

/**
 * Parses an Accept-Language header into ranges sorted by quality (highest first; ties keep
 * the header's order). Malformed entries and `q=0` are dropped; nothing throws.
 * @example parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8') // [{fr-ch,1},{fr,0.9},{en,0.8}]
 */
export function parseAcceptLanguage (header: string | undefined): LanguageRange[] {
  if (!header || header.length > 4096) return []
  const out: Array<LanguageRange & { i: number }> = []
  const parts = header.split(',', MAX_RANGES)
  for (let i = 0; i < parts.length; i++) {
    const [rawTag = '', ...params] = parts[i]!.split(';')
    const tag = rawTag.trim()
    if (!RANGE.test(tag)) continue
    let q = 1
    for (const p of params) {
      const m = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i.exec(p)
      if (m) q = Number(m[1])
      else { q = -1; break }
    }
    if (q > 0) out.push({ tag: tag.toLowerCase(), q, i })
  }
  return out.sort((a, b) => b.q - a.q || a.i - b.i).map(({ tag, q }) => ({ tag, q }))
}

/** The site's languages, indexed once at boot for negotiation on the request path. */
export interface LanguageMatcher {
  /** The site language written exactly (case-insensitively) as `value`, or null. */
  known (value: string | undefined): string | null
  /**
   * The site language that best matches `ranges`: an exact tag first, then the same base
   * language ('fr-ca' matches 'fr', 'fr' matches 'fr-ca'). `*` matches the first language.
   * Null when nothing matches.
   */
  best (ranges: readonly LanguageRange[]): string | null
}

/** Indexes `languages` (as written in settings) by lower-cased tag and by base language. */
export function buildLanguageMatcher (languages: readonly string[]): LanguageMatcher {
  const exact = new Map<string, string>()
  const byBase = new Map<string, string>()
  for (const l of languages) {
    const lower = l.toLowerCase()
    exact.set(lower, l)
    const base = lower.split('-')[0]!
    if (!byBase.has(base)) byBase.set(base, l)
  }
  return {
    known: (value) => (value && value.length <= 35 ? exact.get(value.toLowerCase()) ?? null : null),
    best (ranges) {
      for (const { tag } of ranges) {
        if (tag === '*') return languages[0] ?? null
        const hit = exact.get(tag) ?? byBase.get(tag.split('-')[0]!)
        if (hit !== undefined) return hit
      }
      return null
    },
  }
}

/** {@link LanguageMatcher.best} for a one-off list (the request path uses a matcher built at boot). */
export function matchLanguage (ranges: readonly LanguageRange[], languages: readonly string[]): string | null {
  return buildLanguageMatcher(languages).best(ranges)
}
