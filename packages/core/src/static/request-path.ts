/**
 * The file path a `/static/<component>/<path>` URL asks for, decoded exactly once, segment by
 * segment; null (a 404) when a segment is not valid percent-encoding or decodes to a `/` or `\`.
 * The router's wildcard parameter cannot be used for this: it decodes `sub%2fok.css` to
 * `sub/ok.css`, turning an encoded slash into a path separator.
 * @example staticRequestPath('/static/blog/css/a%20b.css?v=1') // 'css/a b.css'
 */
export function staticRequestPath (url: string): string | null {
  let end = url.length
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 || c === 35) { end = i; break } // '?' or '#'
  }
  // '', 'static', '<component>', then the file's segments.
  const parts = url.slice(0, end).split('/')
  if (parts.length < 4) return null
  const out: string[] = []
  for (let i = 3; i < parts.length; i++) {
    const raw = parts[i]!
    let seg = raw
    if (raw.includes('%')) {
      try {
        seg = decodeURIComponent(raw)
      } catch {
        return null
      }
      if (seg.includes('/') || seg.includes('\\')) return null
    }
    out.push(seg)
  }
  return out.join('/')
}
