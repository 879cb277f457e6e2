/** A `scheme://*.domain[:port]` entry of settings.csrf.trustedOrigins. */
interface Wildcard {
  readonly protocol: string
  readonly suffix: string
  readonly port: string
}

/**
 * Which origins may send unsafe requests (CSRF) and open websockets: the site itself, and the
 * origins of settings.csrf.trustedOrigins. Built once at boot; shared by the CSRF check and the
 * websocket Origin check so they keep one allowlist.
 */
export interface OriginPolicy {
  /** True when `origin` is one of settings.csrf.trustedOrigins (exact, or a `*.` wildcard). */
  trusts (origin: string): boolean
  /**
   * True when `origin` (an Origin header) is the site the request was sent to (same scheme,
   * host and port; `protocol` and `host` as Fastify reports them) or a trusted origin.
   */
  allowsOrigin (origin: string, protocol: string, host: string): boolean
  /**
   * Why `referer` does not show an HTTPS request coming from this site or a trusted origin
   * (Django's Referer check), 'missing' when there is none, or null when it passes.
   */
  refererProblem (referer: string | undefined, host: string): string | null
}

function parse (url: string): URL | null {
  return URL.canParse(url) ? new URL(url) : null
}

/** Builds the policy of settings.csrf.trustedOrigins (entries already validated by the schema). */
export function buildOriginPolicy (trustedOrigins: readonly string[]): OriginPolicy {
  const exact = new Set<string>()
  const wildcards: Wildcard[] = []
  for (const entry of trustedOrigins) {
    const m = /^(https?:)\/\/\*(\.[^:/]+)(?::(\d+))?$/i.exec(entry)
    if (m) {
      // The default port is written as none, as URL and browsers do.
      const port = m[3] === undefined || (m[1]!.toLowerCase() === 'https:' && m[3] === '443') || (m[1]!.toLowerCase() === 'http:' && m[3] === '80') ? '' : m[3]
      wildcards.push({ protocol: m[1]!.toLowerCase(), suffix: m[2]!.toLowerCase(), port })
    } else {
      const url = parse(entry)
      if (url) exact.add(url.origin)
    }
  }

  const trustsUrl = (url: URL): boolean =>
    exact.has(url.origin) ||
    wildcards.some((w) => w.protocol === url.protocol && w.port === url.port &&
      (url.hostname.endsWith(w.suffix) || url.hostname === w.suffix.slice(1)))

  return Object.freeze({
    trusts (origin: string): boolean {
      const url = parse(origin)
      return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && trustsUrl(url)
    },
    allowsOrigin (origin: string, protocol: string, host: string): boolean {
      const url = parse(origin)
      if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) return false
      const site = parse(`${protocol}://${host}`)
      return (site !== null && site.origin === url.origin) || trustsUrl(url)
    },
    refererProblem (referer: string | undefined, host: string): string | null {
      if (referer === undefined || referer === '') return 'missing'
      const url = parse(referer)
      if (url === null) return 'its Referer is malformed'
      if (url.protocol !== 'https:') return `its Referer (${url.origin}) is not an HTTPS page, while the request is HTTPS`
      const site = parse(`https://${host}`)
      if ((site !== null && site.host === url.host) || trustsUrl(url)) return null
      return `its Referer (${url.origin}) is neither this site (${host.toLowerCase()}) nor one of settings.csrf.trustedOrigins`
    },
  })
}
