import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import type { Settings } from '../settings/index.js'
import { kLocale, kTemplates, kTranslator, kUrlLanguage } from '../symbols.js'
import { loadCatalogs } from './catalogs.js'
import { formatFilters, textFilters } from './filters.js'
import { buildLanguageMatcher, parseAcceptLanguage, type LanguageMatcher } from './negotiate.js'
import { languagePrefix } from './prefix.js'
import { Translator, type MessageValues } from './translator.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The language this request is answered in, one of settings.languages: the URL prefix
     * (with i18n.urlPrefix), else the language cookie, else the best Accept-Language match,
     * else defaultLanguage. Computed on first read.
     */
    readonly locale: string
    /** `t()` in the request's language: plain text (escape it yourself if you build HTML). */
    t (key: string, values?: MessageValues): string
    [kLocale]: string | null
  }
  interface FastifyInstance {
    [kTranslator]: Translator
  }
}

/** Options of the i18n plugin. */
export interface I18nPluginOptions {
  settings: Settings
  registry: AppRegistry
}

/** The language of a request, per the order documented on `req.locale`. */
export function negotiateLocale (req: FastifyRequest, settings: Settings, matcher: LanguageMatcher): string {
  const { languages, defaultLanguage } = settings
  if (languages.length === 1) return defaultLanguage
  const fromUrl = req.raw[kUrlLanguage]
  if (fromUrl !== undefined) return fromUrl
  // With URL prefixes and an unprefixed default language, an unprefixed URL *is* that language.
  if (settings.i18n.urlPrefix && !settings.i18n.prefixDefaultLanguage) return defaultLanguage
  const cookies = (req as { cookies?: Record<string, string | undefined> }).cookies
  const fromCookie = matcher.known(cookies?.[settings.i18n.cookieName])
  if (fromCookie !== null) return fromCookie
  return matcher.best(parseAcceptLanguage(req.headers['accept-language'])) ?? defaultLanguage
}

/**
 * `tao:i18n` (root context): reads every catalog once, decorates `req.locale` and `req.t`,
 * gives templates `t()`, `locale`, `languages`, `language_url()` and the formatting and text
 * filters. The per-request headers (Content-Language, Vary) come from
 * {@link i18nPagesPlugin}, only on multilingual sites.
 */
async function i18n (fastify: FastifyInstance, opts: I18nPluginOptions): Promise<void> {
  const { settings, registry } = opts
  const catalogs = loadCatalogs(settings.root, registry)
  const translator = new Translator(catalogs, {
    languages: settings.languages,
    defaultLanguage: settings.defaultLanguage,
    apps: new Set(registry.apps.map((a) => a.name)),
    timeZone: settings.timeZone,
    onMissing: settings.debug ? (lang, key) => fastify.log.info({ lang, key }, `no '${lang}' translation for '${key}'`) : undefined,
  })
  fastify.decorate(kTranslator, translator)
  const matcher = buildLanguageMatcher(settings.languages)
  fastify.decorateRequest(kLocale, null)
  fastify.decorateRequest('locale', {
    getter (this: FastifyRequest) {
      return (this[kLocale] ??= negotiateLocale(this, settings, matcher))
    },
  })
  fastify.decorateRequest('t', function t (this: FastifyRequest, key: string, values?: MessageValues) {
    return translator.t(this.locale, key, values)
  })

  const g = fastify[kTemplates].globals
  const owner = { owner: "tao's i18n" }
  const fallbackLang = settings.defaultLanguage
  g.lazy('locale', (req) => req.locale, { ...owner, fallback: fallbackLang })
  g.lazy('t', (req) => (key: string, values?: MessageValues) => translator.html(req.locale, key, values), {
    ...owner, fallback: (key: string, values?: MessageValues) => translator.html(fallbackLang, key, values),
  })
  const names = settings.languages.map(languageEntry)
  g.global('languages', Object.freeze(names), owner)
  g.lazy('language_url', (req) => (lang: string) => languageUrl(req, settings, lang), { ...owner, fallback: (lang: string) => languageUrl(null, settings, lang) })

  const engine = fastify[kTemplates]
  const scope = {
    locale: (ctx: unknown) => contextValue(ctx, 'locale', fallbackLang),
    timeZone: (ctx: unknown) => contextValue(ctx, 'timezone', settings.timeZone),
  }
  for (const [name, fn] of Object.entries({ ...formatFilters(scope), ...textFilters })) engine.addFilter(name, fn)
}

// Filters run with the Nunjucks context as `this`: its lookup() sees the render's own values,
// then the globals, where the lazy `locale` reads the request being rendered.
function contextValue (ctx: unknown, name: string, fallback: string): string {
  const v = (ctx as { lookup?: (n: string) => unknown } | undefined)?.lookup?.(name)
  return typeof v === 'string' && v !== '' ? v : fallback
}

/**
 * `{ code, name }` of the `languages` global, its name computed on first read: the first
 * Intl.DisplayNames loads ICU's display data, some 9 ms of every boot otherwise.
 */
function languageEntry (code: string): { readonly code: string, readonly name: string } {
  let name: string | undefined
  return Object.freeze({ code, get name () { return (name ??= displayName(code)) } })
}

function displayName (code: string): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

/** Where a link switching to `lang` goes: the same page under its prefix, or the switch endpoint. */
export function languageUrl (req: FastifyRequest | null, settings: Settings, lang: string): string {
  const path = req ? req.url : '/'
  if (settings.i18n.urlPrefix) {
    // req.url is the rewritten URL (prefix removed).
    return `${languagePrefix(settings, lang)}${path}` || '/'
  }
  return `/-/language/${encodeURIComponent(lang)}?next=${encodeURIComponent(path)}`
}

/** The `/-/language/<lang>` endpoint's target: a path of this site, never another origin. */
export function safeNext (next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n\t]/.test(next)) return '/'
  return next
}

/**
 * `tao:i18n-pages` (pages context, multilingual sites only): `GET /-/language/<lang>?next=`
 * sets the language cookie (not on cross-site navigations) and goes back to `next`; every page
 * says its Content-Language and that it varies with the cookie and Accept-Language.
 */
async function i18nPages (fastify: FastifyInstance, opts: { settings: Settings }): Promise<void> {
  const { settings } = opts
  const matcher = buildLanguageMatcher(settings.languages)
  const vary = settings.i18n.urlPrefix && !settings.i18n.prefixDefaultLanguage ? null : 'Cookie, Accept-Language'
  fastify.addHook('onSend', function contentLanguage (req, reply, payload, done) {
    reply.header('content-language', req.locale)
    if (vary !== null) {
      const prev = reply.getHeader('vary')
      reply.header('vary', prev ? `${String(prev)}, ${vary}` : vary)
    }
    done(null, payload)
  })
  fastify.get('/-/language/:lang', { config: { taoRoute: 'tao:set_language' } }, async (req: FastifyRequest<{ Params: { lang: string }, Querystring: { next?: string } }>, reply: FastifyReply) => {
    const lang = matcher.known(req.params.lang)
    const next = safeNext(req.query.next)
    // A link on another site must not change this site's language for the visitor.
    if (lang !== null && req.headers['sec-fetch-site'] !== 'cross-site') {
      reply.setCookie(settings.i18n.cookieName, lang, { path: '/', maxAge: 365 * 86400, sameSite: 'lax', httpOnly: true, secure: req.protocol === 'https' })
    }
    return reply.redirect(lang === null ? next : `${languagePrefix(settings, lang)}${next}`, 303)
  })
}

export const i18nPlugin = fp(i18n, { name: 'tao:i18n', fastify: '5.x', dependencies: ['tao:templates'] })
export const i18nPagesPlugin = fp(i18nPages, { name: 'tao:i18n-pages', fastify: '5.x', dependencies: ['tao:i18n', 'tao:session'] })
