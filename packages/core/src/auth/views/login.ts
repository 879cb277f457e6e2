import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../../errors/index.js'
import { prefersJson } from '../../server/negotiate.js'
import { kAuth } from '../../symbols.js'
import { nameKey } from '../collections.js'
import { safeNext } from '../next-url.js'
import type { AuthRuntime } from '../runtime.js'
import { blockedFor } from '../throttle.js'
import { authenticate } from '../users.js'

/** Template of the login page. */
export const LOGIN_TEMPLATE = 'auth:login'

type Body = Record<string, unknown> | undefined
const field = (body: Body, name: string): string => (typeof body?.[name] === 'string' ? body[name] as string : '')
const query = (req: FastifyRequest): Record<string, unknown> => req.query as Record<string, unknown>

/** Throttle keys of a login attempt: the username (hashed: it may be a mistyped password) and the client address. */
function throttleKeys (username: string, ip: string): [string, string] {
  return [`user:${createHash('sha256').update(nameKey(username)).digest('base64url')}`, `ip:${ip}`]
}

function render (req: FastifyRequest, reply: FastifyReply, status: number, ctx: { error?: string, username?: string, next: string }) {
  if (prefersJson(req)) return reply.code(status).send(status === 200 ? { ok: true } : { error: ctx.error })
  return reply.code(status).render(LOGIN_TEMPLATE, { error: ctx.error ?? null, username: ctx.username ?? '', next: ctx.next })
}

/** GET the login page. A logged-in user sees it too (to log in as someone else). */
export async function loginPage (req: FastifyRequest, reply: FastifyReply) {
  return render(req, reply, 200, { next: safeNext(query(req).next, '') })
}

/**
 * POST the login form (urlencoded or JSON: username, password, next). Wrong credentials: 400,
 * one message whether the username exists or not. Too many failures for the username or the
 * client address: 429 with Retry-After, before any password is checked.
 */
export async function loginSubmit (req: FastifyRequest, reply: FastifyReply) {
  const rt: AuthRuntime = req.server[kAuth]!
  const body = req.body as Body
  const username = field(body, 'username').trim()
  const password = field(body, 'password')
  const next = safeNext(field(body, 'next') || query(req).next, '')
  const { limit, window } = rt.settings.throttle
  const keys = throttleKeys(username, req.ip)
  if (limit > 0) {
    const wait = blockedFor(await Promise.all(keys.map((k) => rt.attempts.peek(k))), limit)
    if (wait > 0) {
      reply.header('retry-after', String(wait))
      if (prefersJson(req)) throw taoError('TAO_ERR_AUTH_THROTTLED', [wait])
      return render(req, reply, 429, { error: `Too many failed logins. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`, username, next })
    }
  }
  const user = username === '' || password === '' ? null : await authenticate(req, username, password)
  if (user === null) {
    if (limit > 0 && username !== '') await Promise.all(keys.map((k) => rt.attempts.hit(k, window)))
    return render(req, reply, 400, { error: 'Please enter a correct username and password. Both may be case-sensitive.', username, next })
  }
  if (limit > 0) await rt.attempts.clear(keys[0])
  await req.login(user)
  if (prefersJson(req)) return reply.send({ ok: true, username: user.username })
  return reply.redirect(next || rt.settings.loginRedirect, 302)
}

/** POST: log out (CSRF-checked like every POST). */
export async function logout (req: FastifyRequest, reply: FastifyReply) {
  const rt: AuthRuntime = req.server[kAuth]!
  await req.logout()
  req.flash('info', 'You are logged out.')
  if (prefersJson(req)) return reply.send({ ok: true })
  return reply.redirect(safeNext(field(req.body as Body, 'next'), rt.settings.logoutRedirect), 302)
}

/** POST: log out on every browser and device (every login record of the user is deleted). */
export async function logoutEverywhere (req: FastifyRequest, reply: FastifyReply) {
  const rt: AuthRuntime = req.server[kAuth]!
  await req.logout({ everywhere: true })
  req.flash('info', 'You are logged out everywhere.')
  if (prefersJson(req)) return reply.send({ ok: true })
  return reply.redirect(safeNext(field(req.body as Body, 'next'), rt.settings.logoutRedirect), 302)
}
