import { hkdfSync } from 'node:crypto'
import { Signer, type CookieSerializeOptions, type UnsignResult } from '@fastify/cookie'
import { parseCookie, stringifySetCookie } from 'cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { kCookieJar, kCookies, kCookiesWritten } from '../symbols.js'

interface PendingCookie {
  name: string
  value: string
  options: CookieSerializeOptions
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The parsed Cookie header, once `req.cookies` was read. */
    [kCookies]: Record<string, string | undefined> | null
  }
  interface FastifyReply {
    /** Cookies set on this reply, written into Set-Cookie when it is sent. */
    [kCookieJar]: Map<string, PendingCookie> | null
    /** True once the jar was written: later cookies go straight into the headers. */
    [kCookiesWritten]: boolean
  }
}

/** Serializes one Set-Cookie value (the `cookie` package, as @fastify/cookie does). */
export function serializeCookie (name: string, value: string, options: CookieSerializeOptions = {}): string {
  const { encode, secure, signed: _signed, ...attributes } = options
  return stringifySetCookie({ name, value, ...attributes, secure: secure === true }, { encode })
}

/** Parses a Cookie header into an object without Object.prototype (no `__proto__` surprises). */
export function parseCookieHeader (header: string): Record<string, string | undefined> {
  return parseCookie(header)
}

/**
 * The signer of `signed: true` cookies: HMAC-SHA256 with a key derived from each session key
 * (never the encryption key itself); the first signs, all verify, so rotating settings.secretKey
 * keeps old signed cookies readable.
 */
export function cookieSigner (keys: readonly Buffer[]): Signer {
  return new Signer(keys.map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'tao cookie signing', 32))), 'sha256')
}

/**
 * Cookies for the pages context, with the API of @fastify/cookie (`req.cookies`,
 * `reply.setCookie`, `reply.clearCookie`, `signCookie`/`unsignCookie`) but parsed lazily: the
 * plugin parses the Cookie header of every request in an onRequest hook; tao parses it the
 * first time `req.cookies` is read, so a page that never reads a cookie pays nothing for the
 * ones browsers send. Set cookies are written by {@link writeCookies}, from the onSend hook
 * of tao:session.
 */
export function decorateCookies (fastify: FastifyInstance, signer: Signer): void {
  const sign = (value: string): string => signer.sign(value)
  const unsign = (value: string): UnsignResult => signer.unsign(value)
  fastify.decorate('parseCookie', (header: string) => parseCookieHeader(header) as Record<string, string>)
  fastify.decorate('serializeCookie', serializeCookie)
  fastify.decorate('signCookie', sign)
  fastify.decorate('unsignCookie', unsign)

  fastify.decorateRequest(kCookies, null)
  fastify.decorateRequest('cookies', {
    getter (this: FastifyRequest) {
      if (this[kCookies] === null) {
        const header = this.headers.cookie
        this[kCookies] = header === undefined || header === '' ? Object.create(null) as Record<string, string | undefined> : parseCookieHeader(header)
      }
      return this[kCookies]
    },
    setter (this: FastifyRequest, value: Record<string, string | undefined>) {
      this[kCookies] = value
    },
  })
  fastify.decorateRequest('signCookie', sign)
  fastify.decorateRequest('unsignCookie', unsign)

  fastify.decorateReply(kCookieJar, null)
  fastify.decorateReply(kCookiesWritten, false)
  fastify.decorateReply('signCookie', sign)
  fastify.decorateReply('unsignCookie', unsign)
  function setCookie (this: FastifyReply, name: string, value: string, options?: CookieSerializeOptions): FastifyReply {
    const opts: CookieSerializeOptions = { path: '/', sameSite: 'lax', ...options }
    if (typeof opts.expires === 'number') opts.expires = new Date(opts.expires)
    if (opts.signed === true) value = signer.sign(value)
    if (opts.secure === 'auto') opts.secure = this.request.protocol === 'https'
    const cookie = { name, value, options: opts }
    if (this[kCookiesWritten]) {
      this.header('set-cookie', serializeCookie(name, value, opts))
      return this
    }
    this[kCookieJar] ??= new Map()
    // The same name, domain and path replace the earlier cookie, as a browser would.
    this[kCookieJar].set(`${name};${opts.domain};${opts.path}`, cookie)
    return this
  }
  fastify.decorateReply('setCookie', setCookie)
  fastify.decorateReply('cookie', setCookie)
  fastify.decorateReply('clearCookie', function (this: FastifyReply, name: string, options?: CookieSerializeOptions) {
    return setCookie.call(this, name, '', { path: '/', ...options, expires: new Date(0), maxAge: 0, signed: false })
  })
}

/** Adds the reply's set cookies to its Set-Cookie header (onSend). */
export function writeCookies (reply: FastifyReply): void {
  reply[kCookiesWritten] = true
  const jar = reply[kCookieJar]
  if (jar === null) return
  for (const c of jar.values()) reply.header('set-cookie', serializeCookie(c.name, c.value, c.options))
  jar.clear()
}
