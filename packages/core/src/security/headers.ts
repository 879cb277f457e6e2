import type { FastifyHelmetOptions } from '@fastify/helmet'
import type { Settings } from '../settings/index.js'

/**
 * tao's Content-Security-Policy: everything from this origin, nothing inline but styles (the
 * built-in error pages carry an inline <style>), no plugins, no framing by other sites, forms
 * posting only here. tao's own pages and the debug toolbar need nothing more: their scripts are
 * files under /static/. No `upgrade-insecure-requests`: it would break a site served over plain
 * HTTP (development, an intranet); add it in settings.security.csp when the site is HTTPS only.
 */
export const DEFAULT_CSP: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
})

/** One year, as HSTS preload lists ask; only sent outside debug, and browsers only heed it over HTTPS. */
const HSTS_MAX_AGE = 365 * 24 * 3600

/** helmet's other names for the options tao sets. */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['hsts', 'strictTransportSecurity'], ['xssFilter', 'xXssProtection'], ['ieNoOpen', 'xDownloadOptions'],
  ['permittedCrossDomainPolicies', 'xPermittedCrossDomainPolicies'], ['dnsPrefetchControl', 'xDnsPrefetchControl'],
]

/** The CSP directives from tao's defaults and settings.security.csp (null removes one). */
export function cspDirectives (overrides: Readonly<Record<string, readonly string[] | null>>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(DEFAULT_CSP)) out[k] = [...v]
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k]
    else out[k] = [...v]
  }
  return out
}

/**
 * The @fastify/helmet options for these settings, computed once at boot; null when
 * settings.security.headers is false. Differences from helmet's defaults: tao's CSP,
 * `Referrer-Policy: same-origin` (as Django), no HSTS in debug mode, and none of the headers
 * only old browsers read (X-XSS-Protection, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-DNS-Prefetch-Control).
 */
export function helmetOptions (settings: Pick<Settings, 'debug' | 'security'>): FastifyHelmetOptions | null {
  const { headers, csp, cspReportOnly } = settings.security
  if (headers === false) return null
  const contentSecurityPolicy: FastifyHelmetOptions['contentSecurityPolicy'] = csp === false
    ? false
    : { useDefaults: false, directives: cspDirectives(csp === true ? {} : csp), reportOnly: cspReportOnly }
  const options: Record<string, unknown> = {
    global: true,
    contentSecurityPolicy,
    referrerPolicy: { policy: 'same-origin' },
    // Headers for browsers of another age (IE8, Flash, the XSS auditor): costs on every
    // response, protects no current browser. A project can turn any back on.
    xXssProtection: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xDnsPrefetchControl: false,
    strictTransportSecurity: settings.debug ? false : { maxAge: HSTS_MAX_AGE, includeSubDomains: false },
  }
  // helmet accepts other names for some options, but not both names at once.
  if (headers !== true) {
    for (const [alias, name] of ALIASES) if (alias in headers) delete options[name]
  }
  return { ...options, ...(headers === true ? {} : headers) } as FastifyHelmetOptions
}
