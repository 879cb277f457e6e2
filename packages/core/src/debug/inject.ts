import type { FastifyReply, FastifyRequest } from 'fastify'

const CLOSING_BODY = /<\/body\s*>/gi
const UTF8 = /charset\s*=\s*"?utf-?8"?/i

/**
 * The page `payload` as text, when the toolbar may go into it; null when it is left alone:
 * not text/html (or in a charset other than UTF-8), a stream or other object, a compressed
 * body, an XMLHttpRequest or htmx request (a fragment), a websocket upgrade, a static file.
 */
export function pageText (req: FastifyRequest, reply: FastifyReply, payload: unknown): string | null {
  const type = reply.getHeader('content-type')
  if (typeof type !== 'string' || !/^text\/html\s*(;|$)/i.test(type)) return null
  if (type.includes('charset') && !UTF8.test(type)) return null
  if (reply.hasHeader('content-encoding')) return null
  const h = req.headers
  if (String(h['x-requested-with']).toLowerCase() === 'xmlhttprequest' || h['hx-request'] !== undefined || h.upgrade !== undefined) return null
  if (req.url.startsWith('/static/')) return null
  if (typeof payload === 'string') return payload
  if (Buffer.isBuffer(payload)) return payload.toString('utf8')
  return null
}

/** Index of the last `</body>` of `html` (any case), or -1. */
export function lastBodyClose (html: string): number {
  let at = -1
  for (const m of html.matchAll(CLOSING_BODY)) at = m.index
  return at
}

/** `html` with `insert` placed before its last `</body>`; null when there is none. */
export function injectBeforeBodyEnd (html: string, insert: string): string | null {
  const at = lastBodyClose(html)
  return at === -1 ? null : html.slice(0, at) + insert + html.slice(at)
}
