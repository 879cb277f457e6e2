import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onSendAsyncHookHandler } from 'fastify'
import { kRouteCacheKey } from '../symbols.js'
import type { Cache } from './cache.js'

declare module 'fastify' {
  interface FastifyRequest {
    [kRouteCacheKey]: string | null
  }
}

/** A stored response: status, headers, body (utf8 text or base64 bytes), ETag. */
interface Entry {
  s: number
  h: Record<string, string | string[]>
  b: string
  bin?: true
  t: string
}

// Never replayed from the cache: per-connection, recomputed, or per-client headers.
const SKIPPED = new Set(['content-length', 'set-cookie', 'connection', 'keep-alive', 'transfer-encoding', 'date', 'age'])

const hash = (text: string | Buffer): string => createHash('sha1').update(text).digest('base64url')

function headerList (value: unknown): string[] {
  if (value === undefined) return []
  return String(value).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)
}

/** The varied request headers' values, one line each (absent headers count as empty). */
function variant (req: FastifyRequest, names: readonly string[]): string {
  let out = ''
  for (const name of names) {
    const v = req.headers[name]
    out += `${name}:${Array.isArray(v) ? v.join(',') : (v ?? '')}\n`
  }
  return hash(out)
}

/** True when If-None-Match lists `etag` (or is `*`). */
function matches (req: FastifyRequest, etag: string): boolean {
  const header = req.headers['if-none-match']
  if (header === undefined) return false
  const weak = (s: string) => s.replace(/^W\//, '')
  return header.split(',').some((t) => { const tag = t.trim(); return tag === '*' || weak(tag) === weak(etag) })
}

/** Headers of a 304: the ones a cache would need to update its copy (RFC 9110 15.4.5). */
function notModified (reply: FastifyReply, entry: Pick<Entry, 'h' | 't'>): FastifyReply {
  reply.code(304).header('etag', entry.t)
  for (const name of ['cache-control', 'vary', 'expires', 'content-location']) {
    const v = entry.h[name]
    if (v !== undefined) reply.header(name, v)
  }
  return reply
}

/** Options of {@link installRouteCache}. */
export interface RouteCacheOptions {
  /** Where responses are kept: the internal namespace `<redis.prefix>cache:~page:`. */
  pages: Cache
  /** The session cookie: a request carrying it is never answered from, nor stored in, the cache. */
  sessionCookie: string
}

/**
 * Per-route response caching (`route(..., { cache: { ttl } })`), armed at boot by an onRoute
 * hook: routes without the option get no hook at all. A cached route gets two:
 *   1. onRequest: a GET/HEAD with no session cookie and no Authorization looks its URL up (the
 *      stored Vary names first, then the variant for this request's values of those headers);
 *      a hit is answered at once (304 when If-None-Match has its ETag): no handler, no session,
 *      no database;
 *   2. onSend, on a miss: a 200 with a text or buffer body, no Set-Cookie (the session concern
 *      writes it before this hook), no `Cache-Control: private/no-store` and no `Vary: *` is
 *      stored for the route's ttl, with an ETag (a 304 if the request already had it).
 */
export function installRouteCache (fastify: FastifyInstance, opts: RouteCacheOptions): void {
  const { pages } = opts
  const sessionPrefix = `${opts.sessionCookie}=`
  fastify.decorateRequest(kRouteCacheKey, null)

  const lookup: onRequestAsyncHookHandler = async function routeCacheLookup (req, reply) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return
    const cookie = req.headers.cookie
    if (req.headers.authorization !== undefined || (cookie !== undefined && cookie.includes(sessionPrefix))) return
    // Ports are left out, as the Host check does: behind a proxy every machine sees the public host.
    const base = hash(`${req.protocol}://${req.hostname.toLowerCase()}${req.originalUrl}`)
    req[kRouteCacheKey] = base
    const names = await pages.get<string[]>(`v:${base}`)
    if (names === undefined) return
    const entry = await pages.get<Entry>(`r:${base}:${variant(req, names)}`)
    if (entry === undefined) return
    req[kRouteCacheKey] = null
    if (matches(req, entry.t)) return notModified(reply, entry).send()
    reply.code(entry.s).headers(entry.h).header('etag', entry.t)
    return reply.send(entry.bin === true ? Buffer.from(entry.b, 'base64') : entry.b)
  }

  const store = (ttl: number): onSendAsyncHookHandler<unknown> => async function routeCacheStore (req, reply, payload) {
    const base = req[kRouteCacheKey]
    // A HEAD's payload is already emptied by Fastify's HEAD handler: only GET fills the cache.
    if (base === null || reply.statusCode !== 200 || req.method !== 'GET') return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
    if (reply.hasHeader('set-cookie') || /private|no-store/i.test(String(reply.getHeader('cache-control') ?? ''))) return payload
    const varies = headerList(reply.getHeader('vary'))
    if (varies.includes('*')) return payload
    const etag = String(reply.getHeader('etag') ?? `"${hash(payload)}"`)
    reply.header('etag', etag)
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined && !SKIPPED.has(name)) headers[name] = typeof value === 'number' ? String(value) : value
    }
    const entry: Entry = typeof payload === 'string'
      ? { s: 200, h: headers, b: payload, t: etag }
      : { s: 200, h: headers, b: payload.toString('base64'), bin: true, t: etag }
    await pages.set(`v:${base}`, varies, ttl)
    await pages.set(`r:${base}:${variant(req, varies)}`, entry, ttl)
    if (!matches(req, etag)) return payload
    notModified(reply, entry)
    return ''
  }

  fastify.addHook('onRoute', (route) => {
    const cache = (route.config as { taoCache?: { ttl: number } } | undefined)?.taoCache
    if (cache === undefined) return
    route.onRequest = [...[route.onRequest ?? []].flat(), lookup] as typeof route.onRequest
    route.onSend = [...[route.onSend ?? []].flat(), store(cache.ttl)] as typeof route.onSend
  })
}
