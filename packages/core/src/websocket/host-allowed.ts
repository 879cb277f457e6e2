/** The hosts allowed in debug when settings.allowedHosts is empty (as Django does). */
const DEBUG_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]']

/**
 * True when `host` (a host name without port, e.g. from an Origin) matches settings.allowedHosts:
 * an exact name, `.example.com` for example.com and every subdomain, or `*` for any host.
 * Comparison ignores case and a trailing dot. An empty list allows nothing, except the
 * localhost names in debug.
 * @example hostAllowed('api.example.com', ['.example.com'], false) // true
 */
export function hostAllowed (host: string, allowedHosts: readonly string[], debug: boolean): boolean {
  const patterns = allowedHosts.length === 0 && debug ? DEBUG_HOSTS : allowedHosts
  let name = host.toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  if (name === '') return false
  for (const raw of patterns) {
    const pattern = raw.toLowerCase()
    if (pattern === '*' || pattern === name) return true
    if (pattern.startsWith('.') && (name.endsWith(pattern) || name === pattern.slice(1))) return true
  }
  return false
}

/**
 * The host name of an Origin header (`https://a.example.com:8443` → `a.example.com`,
 * `http://[::1]:3000` → `[::1]`), or null for `null` and anything that is not an http(s) origin.
 */
export function originHost (origin: string): string | null {
  if (!URL.canParse(origin)) return null
  const url = new URL(origin)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  return url.hostname
}
