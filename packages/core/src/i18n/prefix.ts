import type { IncomingMessage } from 'node:http'
import type { Settings } from '../settings/index.js'
import { kUrlLanguage } from '../symbols.js'

declare module 'node:http' {
  interface IncomingMessage {
    /** The language of the URL's `/<lang>/` prefix, set by the rewrite below. */
    [kUrlLanguage]?: string
  }
}

/**
 * Fastify's `rewriteUrl` for `i18n.urlPrefix`: `/fr/blog/` is routed as `/blog/` with the
 * language remembered on the raw request. One string comparison per request; URLs whose
 * first segment is not one of the site's languages are left alone.
 */
export function buildLanguageRewrite (settings: Pick<Settings, 'languages'>): (req: IncomingMessage) => string {
  const byLower = new Map(settings.languages.map((l) => [l.toLowerCase(), l]))
  return function rewriteLanguagePrefix (req) {
    const url = req.url ?? '/'
    const end = url.indexOf('/', 1)
    const q = url.indexOf('?')
    const segEnd = end === -1 ? (q === -1 ? url.length : q) : (q !== -1 && q < end ? q : end)
    const lang = byLower.get(url.slice(1, segEnd).toLowerCase())
    if (lang === undefined) return url
    req[kUrlLanguage] = lang
    const rest = url.slice(segEnd)
    return rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest
  }
}

/** The path prefix url() adds for `lang` ('' for the unprefixed default language). */
export function languagePrefix (settings: Pick<Settings, 'i18n' | 'defaultLanguage'>, lang: string): string {
  if (!settings.i18n.urlPrefix) return ''
  return lang === settings.defaultLanguage && !settings.i18n.prefixDefaultLanguage ? '' : `/${lang}`
}
