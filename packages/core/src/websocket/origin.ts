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
