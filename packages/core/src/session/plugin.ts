/// <reference types="@fastify/secure-session" preserve="true" />
import fastifySecureSession, { type Session } from '@fastify/secure-session'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { MAKE_KEY, taoError } from '../errors/index.js'
import { developmentDefaults } from '../security/development.js'
import type { Settings } from '../settings/index.js'
import { kSession, kSessionCodec } from '../symbols.js'
import { addTemplateContext } from '../templates/index.js'
import { cookieSigner, decorateCookies, writeCookies } from './cookies.js'
import { addFlash, consumeMessages, type FlashLevel } from './flash.js'
import { resolveSessionKeys } from './keys.js'

/**
 * What a project keeps in `req.session`: any JSON value under any key. Declare your keys to
 * type them: `declare module '@tao/core' { interface SessionValues { user?: { name: string } } }`.
 */
export interface SessionValues {
  [key: string]: unknown
}

declare module '@fastify/secure-session' {

  interface SessionData extends SessionValues {}
}

interface SessionCodec {
  decode: FastifyInstance['decodeSecureSession']
  encode: FastifyInstance['encodeSecureSession']
  create: FastifyInstance['createSecureSession']
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Encrypts session data into a cookie value (tests log clients in with it). */
    [kSessionCodec]: { encode (data: Record<string, unknown>): string }
  }
  interface FastifyRequest {
    /** The session this request decrypted, once it was read (see the session getter). */
    [kSession]: Session | null
    /**
     * Stores a message shown once, by the next page that displays messages.
     * @throws TAO_ERR_SESSION_FLASH_INVALID
     * @example req.flash('success', 'Saved.')
     */
    flash(level: FlashLevel, text: string): void
  }
}

/** Options of {@link sessionPlugin}. */
export interface SessionPluginOptions {
  settings: Settings
}

/** Browsers keep at most 4096 bytes of a cookie's name and value. */
export const MAX_COOKIE_BYTES = 4096

function largestKeys (data: Record<string, unknown> | undefined): string {
  const sizes = Object.entries(data ?? {})
    .map(([k, v]) => [k, JSON.stringify(v)?.length ?? 0] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
  return sizes.length === 0 ? '' : `Largest keys: ${sizes.map(([k, n]) => `${k} (${n} bytes)`).join(', ')}. `
}

/**
 * Sessions in encrypted cookies (@fastify/secure-session, libsodium secretbox): `req.session`
 * and `req.flash()`. Keys come from settings.secretKey and are checked at boot. The cookie is
 * HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over HTTPS (directly, or per
 * X-Forwarded-Proto from a trusted proxy). A cookie that does not decrypt (tampered, truncated,
 * foreign, made with a retired key, expired) gives an empty session.
 * @throws TAO_ERR_SESSION_KEY_MISSING, TAO_ERR_SESSION_KEY_INVALID at registration.
 */
async function session (fastify: FastifyInstance, opts: SessionPluginOptions): Promise<void> {
  const { settings } = opts
  const { keys, ephemeral } = resolveSessionKeys(settings.secretKey, developmentDefaults(settings))
  if (ephemeral && settings.debug) {
    fastify.log.warn(`No secret key (settings.secretKey or TAO_SECRET_KEY): sessions use a random key and end when the process stops. Put TAO_SECRET_KEY=<64 hex digits> in the project's .env; make one with ${MAKE_KEY} (see docs/reference/security.md).`)
  }
  const { cookieName } = settings.session
  const maxAge = Math.max(1, Math.round(settings.session.maxAge / 1000))
  const cookieOptions = Object.freeze({ path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge } as const)

  // Cookies with @fastify/cookie's API, parsed only when read (session/cookies.ts).
  decorateCookies(fastify, cookieSigner(keys))
  // @fastify/secure-session decrypts the cookie of every request in an onRequest hook, read or
  // not. tao borrows its codec instead (registered in a child context, so none of its hooks run
  // for pages) and decrypts lazily, the first time a request reads req.session: pages that
  // never touch the session pay nothing for it.
  let codec: SessionCodec | undefined
  await fastify.register(async function sessionCodec (child) {
    await child.register(fastifySecureSession, { key: [...keys], cookieName, expiry: maxAge, cookie: { ...cookieOptions } })
    codec = { decode: child.decodeSecureSession, encode: child.encodeSecureSession, create: child.createSecureSession }
  })
  const { decode, encode, create } = codec!
  fastify.decorate(kSessionCodec, { encode: (data: Record<string, unknown>) => encode(create(data)) })
  fastify.decorateRequest(kSession, null)
  fastify.decorateRequest('session', {
    getter (this: FastifyRequest): Session {
      if (this[kSession] === null) {
        const cookie = this.cookies[cookieName]
        this[kSession] = (cookie === undefined ? null : decode(cookie, this.log)) ?? create({})
      }
      return this[kSession]
    },
  })

  // One onSend hook for every cookie: the session is written first (by tao, checking its size;
  // only a session that was read and changed), then whatever cookies the reply set.
  fastify.addHook('onSend', function saveSession (req, reply, _payload, done) {
    const err = req[kSession]?.changed === true ? writeSession(req, reply) : undefined
    writeCookies(reply)
    if (err) done(err)
    else done()
  })
  function writeSession (req: FastifyRequest, reply: FastifyReply): Error | undefined {
    const s = req[kSession]!
    s.changed = false
    if (s.deleted) {
      reply.clearCookie(cookieName, { path: '/' })
      return
    }
    const value = encode(s)
    const bytes = cookieName.length + 1 + encodeURIComponent(value).length
    if (bytes <= MAX_COOKIE_BYTES) {
      reply.setCookie(cookieName, value, cookieOptions)
      return
    }
    // The Set-Cookie is left out, so the browser keeps the previous session cookie.
    const err = taoError('TAO_ERR_SESSION_TOO_LARGE', [bytes, MAX_COOKIE_BYTES, largestKeys(s.data() as Record<string, unknown>)])
    if (settings.debug) return err
    req.log.error({ err: { code: err.code, message: err.message } }, err.message)
  }

  fastify.decorateRequest('flash', function (this: FastifyRequest, level: FlashLevel, text: string) {
    addFlash(this, level, text)
  })
  // Templates show flash messages once: read (and removed) only when a template uses them.
  addTemplateContext(fastify, 'messages', (req) => consumeMessages(req), { fallback: [], owner: 'tao:session' })
}

export const sessionPlugin = fp(session, { name: 'tao:session', fastify: '5.x', dependencies: ['tao:templates'] })
