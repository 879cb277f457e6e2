import type { FastifyRequest } from 'fastify'

/**
 * True when the client prefers JSON to HTML: an Accept header naming JSON before (or without)
 * HTML, or a JSON request body with no HTML in Accept.
 */
export function prefersJson (req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? ''
  const json = Math.max(accept.indexOf('application/json'), accept.indexOf('+json'))
  const html = accept.indexOf('text/html')
  if (json !== -1) return html === -1 || json < html
  if (html !== -1) return false
  return (req.headers['content-type'] ?? '').includes('json')
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML. */
export function escapeHtml (text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}
