import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyHelmetOptions } from '@fastify/helmet'
import helmet from 'helmet'

// Headers that only mean something for a document a browser renders (a page, an SVG), not
// for JSON, scripts, images or styles: each header costs every response about 0.5 µs of CPU
// (Fastify and Node set, validate and write it), so they go where they have an effect.
const DOCUMENT_ONLY = new Set([
  'content-security-policy', 'content-security-policy-report-only', 'x-frame-options',
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'origin-agent-cluster',
  'referrer-policy',
])
// Referrer-Policy also governs the requests a stylesheet makes (its url() fonts and images).
const STYLESHEET_TOO = new Set(['referrer-policy'])

/** Header names and values, in the order they are set. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>

/** The security headers of every response, split by where they apply. */
export interface SecurityHeaders {
  /** Every response (X-Content-Type-Options, Cross-Origin-Resource-Policy). */
  readonly always: HeaderList
  /** Documents only (HTML, XHTML, SVG, XML): CSP, framing, opener policy, Referrer-Policy. */
  readonly documents: HeaderList
  /** Stylesheets only: Referrer-Policy. */
  readonly stylesheets: HeaderList
  /** Strict-Transport-Security, sent only on HTTPS requests (browsers ignore it over HTTP). */
  readonly hsts: string | undefined
}

/**
 * The security headers @fastify/helmet sends with these options, computed once at boot by
 * helmet itself (the middleware @fastify/helmet runs per request) on a stand-in response.
 * Without CSP nonces they are the same for every response, and @fastify/helmet rebuilds its
 * middleware on each request (about half of a small page's throughput); tao sets the
 * precomputed headers instead.
 */
export async function computeSecurityHeaders (options: FastifyHelmetOptions): Promise<SecurityHeaders> {
  // The options @fastify/helmet keeps for itself; the rest is helmet's.
  const { enableCSPNonces: _nonces, global: _global, ...helmetOptions } = options as FastifyHelmetOptions & { global?: boolean }
  const headers = new Map<string, string>()
  const res = {
    setHeader (name: string, value: unknown) { headers.set(name.toLowerCase(), String(value)) },
    removeHeader (name: string) { headers.delete(name.toLowerCase()) },
    getHeader (name: string) { return headers.get(name.toLowerCase()) },
  }
  await new Promise<void>((resolve, reject) => {
    const next = (err?: unknown) => { if (err) reject(err instanceof Error ? err : new Error(String(err))); else resolve() }
    helmet(helmetOptions as Parameters<typeof helmet>[0])({} as IncomingMessage, res as unknown as ServerResponse, next)
  })
  const always: Array<[string, string]> = []
  const documents: Array<[string, string]> = []
  const stylesheets: Array<[string, string]> = []
  let hsts: string | undefined
  for (const [name, value] of headers) {
    const header: [string, string] = [name, value]
    if (name === 'strict-transport-security') hsts = value
    else if (DOCUMENT_ONLY.has(name)) documents.push(header)
    else always.push(header)
    if (STYLESHEET_TOO.has(name)) stylesheets.push(header)
  }
  return Object.freeze({ always: Object.freeze(always), documents: Object.freeze(documents), stylesheets: Object.freeze(stylesheets), hsts })
}

const DOCUMENT_TYPE = /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|(?:text|application)\/xml)\b/i
const STYLESHEET_TYPE = /^text\/css\b/i

/** What a Content-Type is for the security headers: a document, a stylesheet, or neither. */
export type ContentKind = 'document' | 'stylesheet' | null

const kinds = new Map<string, ContentKind>()
/** How many distinct Content-Type values {@link contentKind} remembers (a site sends a handful). */
const MAX_REMEMBERED_TYPES = 64

/**
 * {@link isDocument} and {@link isStylesheet} in one answer, remembered per Content-Type value:
 * every response asks, and two regular expressions cost more than a lookup.
 */
export function contentKind (contentType: unknown): ContentKind {
  if (typeof contentType !== 'string') return null
  let kind = kinds.get(contentType)
  if (kind === undefined) {
    kind = isDocument(contentType) ? 'document' : isStylesheet(contentType) ? 'stylesheet' : null
    if (kinds.size < MAX_REMEMBERED_TYPES) kinds.set(contentType, kind)
  }
  return kind
}

/** True when a response of this Content-Type is a document a browser renders. */
export function isDocument (contentType: unknown): boolean {
  return typeof contentType === 'string' && DOCUMENT_TYPE.test(contentType)
}

/** True when a response of this Content-Type is a stylesheet. */
export function isStylesheet (contentType: unknown): boolean {
  return typeof contentType === 'string' && STYLESHEET_TYPE.test(contentType)
}
