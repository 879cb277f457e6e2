/**
 * `next` if it is a path on this site, else `fallback`: only a path starting with one '/' is
 * accepted (never `//host`, `/\host`, a scheme, a backslash or a control character), so a login
 * link can never send the user to another site (no open redirect).
 */
export function safeNext (next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return fallback
  if (!next.startsWith('/') || next.startsWith('//')) return fallback
  // Browsers treat '\' as '/' and drop tabs and newlines: '/\evil.example' and '/\t/evil' are
  // other hosts to them.
  for (let i = 0; i < next.length; i++) {
    const c = next.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return fallback
  }
  return next
}
