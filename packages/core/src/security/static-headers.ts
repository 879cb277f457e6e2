import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'

// Headers of the probe's reply that are not security headers.
const NOT_SECURITY = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

// Headers that only mean something for a document a browser renders (a page, an SVG), not
// for JSON, scripts, images or styles: sending them on every response only costs bytes.
const DOCUMENT_ONLY = new Set([
  'content-security-policy', 'content-security-policy-report-only', 'x-frame-options',
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'origin-agent-cluster',
])

/** The security headers of every response, split by where they apply. */
export interface SecurityHeaders {
  /** Every response. */
  readonly always: Readonly<Record<string, string>>
  /** Documents only (HTML, XHTML, SVG, XML). */
  readonly documents: Readonly<Record<string, string>>
  /** Strict-Transport-Security, sent only on HTTPS requests (browsers ignore it over HTTP). */
  readonly hsts: string | undefined
}

/**
 * The security headers @fastify/helmet sends with these options, computed once at boot by one
 * request to a probe server. Without CSP nonces they are the same for every response, and
 * @fastify/helmet rebuilds its middleware on each request (about half of a small page's
 * throughput); tao sets the precomputed headers instead.
 */
export async function computeSecurityHeaders (options: FastifyHelmetOptions): Promise<SecurityHeaders> {
  const probe = Fastify({ logger: false })
  try {
    await probe.register(fastifyHelmet, options)
    probe.get('/', async () => '')
    const res = await probe.inject('/')
    const always: Record<string, string> = {}
    const documents: Record<string, string> = {}
    let hsts: string | undefined
    for (const [name, value] of Object.entries(res.headers)) {
      if (NOT_SECURITY.has(name) || value === undefined) continue
      if (name === 'strict-transport-security') hsts = String(value)
      else if (DOCUMENT_ONLY.has(name)) documents[name] = String(value)
      else always[name] = String(value)
    }
    return Object.freeze({ always: Object.freeze(always), documents: Object.freeze(documents), hsts })
  } finally {
    await probe.close()
  }
}

const DOCUMENT_TYPE = /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|(?:text|application)\/xml)\b/

/** True when a response of this Content-Type is a document a browser renders. */
export function isDocument (contentType: unknown): boolean {
  return typeof contentType === 'string' && DOCUMENT_TYPE.test(contentType)
}
