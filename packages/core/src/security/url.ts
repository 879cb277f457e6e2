// RFC 3986 §2.3: percent-encoded unreserved characters are equivalent to the characters
// themselves. Fastify's router decodes them before matching (`/%61dmin` runs the `/admin` route)
// while `req.url` keeps the raw text, so a guard comparing `req.url` to '/admin' would be
// bypassed. Normalising them in place makes what guards see and what the router matched agree.
const ENCODED_UNRESERVED = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DdEe]|5[Ff]|7[Ee])/g

/**
 * The path of `url` with every percent-encoded unreserved character (letters, digits,
 * `-` `.` `_` `~`) decoded, the query left as is; `url` itself when there is nothing to decode.
 * @example normalizeUnreserved('/static/blog/%61dmin/x.js?a=%61') // '/static/blog/admin/x.js?a=%61'
 */
export function normalizeUnreserved (url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const normal = path.replace(ENCODED_UNRESERVED, (hex) => String.fromCharCode(parseInt(hex.slice(1), 16)))
  if (normal === path) return url
  return q === -1 ? normal : normal + url.slice(q)
}
