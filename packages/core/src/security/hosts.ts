import { taoError } from '../errors/index.js'

/** The names an empty allowedHosts stands for in debug and tests (as Django's DEBUG default). */
export const DEVELOPMENT_HOSTS: readonly string[] = Object.freeze(['localhost', '.localhost', '127.0.0.1', '[::1]'])

// A Host header: a DNS name or IPv4 address, or a bracketed IPv6 literal, then an optional port.
const HOST_HEADER = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:\d{1,5})?$/

/** A host matcher built once at boot: `check(host)` returns nothing or throws a 400 TaoError. */
export interface HostMatcher {
  readonly patterns: readonly string[]
  /**
   * Checks one Host value (port ignored, case-insensitive).
   * @throws TAO_ERR_HOST_INVALID, TAO_ERR_HOST_NOT_ALLOWED (both 400)
   */
  check (host: string): void
  /** True when `host` (a Host value or an Origin's host, port ignored) is allowed. */
  allows (host: string): boolean
}

/** How many allowed Host values a matcher remembers. */
const MAX_REMEMBERED_HOSTS = 64

/** The domain part of a Host value, lowercased, without port or trailing dot; null when malformed. */
export function hostDomain (host: string): string | null {
  const lower = host.toLowerCase()
  const m = HOST_HEADER.exec(lower)
  if (!m) return null
  let domain = m[1]!
  if (domain.endsWith('.')) domain = domain.slice(0, -1)
  return domain === '' ? null : domain
}

/**
 * Builds the allowed-hosts check (Django's validate_host): exact names, `.example.com` for the
 * name and its subdomains, `'*'` for anything. An empty list stands for the localhost names when
 * `development` is true, and for no host at all otherwise.
 */
export function buildHostMatcher (allowedHosts: readonly string[], development: boolean): HostMatcher {
  const patterns = allowedHosts.length === 0 && development ? DEVELOPMENT_HOSTS : allowedHosts.map((h) => h.toLowerCase().replace(/(?<=.)\.$/, ''))
  const any = patterns.includes('*')
  const exact = new Set(patterns.filter((p) => !p.startsWith('.')))
  const suffixes = patterns.filter((p) => p.startsWith('.'))
  const hint = allowedHosts.length > 0
    ? 'If this site should answer to it, add it to settings.allowedHosts (or TAO_ALLOWED_HOSTS).'
    : development
      ? `settings.allowedHosts is empty, so only ${DEVELOPMENT_HOSTS.join(', ')} are allowed in debug mode and tests: add this host to it.`
      : "settings.allowedHosts is empty, so no host is allowed outside debug mode: set it (or TAO_ALLOWED_HOSTS) to the names of this site, e.g. ['example.com']."

  const passed = new Set<string>()
  const allowedDomain = (domain: string): boolean =>
    any || exact.has(domain) || suffixes.some((suffix) => domain.endsWith(suffix) || domain === suffix.slice(1))

  return Object.freeze({
    patterns: Object.freeze([...patterns]),
    check (host: string): void {
      // A site sees a handful of Host values; those that passed skip the parsing. Only allowed
      // values are remembered, and only so many, so random hosts cannot grow the set.
      if (passed.has(host)) return
      const domain = hostDomain(host)
      if (domain === null) throw taoError('TAO_ERR_HOST_INVALID', [host.slice(0, 200)])
      if (!allowedDomain(domain)) throw taoError('TAO_ERR_HOST_NOT_ALLOWED', [domain, hint])
      if (passed.size < MAX_REMEMBERED_HOSTS) passed.add(host)
    },
    allows (host: string): boolean {
      const domain = hostDomain(host)
      return domain !== null && allowedDomain(domain)
    },
  })
}
