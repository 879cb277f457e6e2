import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Reverser } from '../routing/reverse.js'
import type { Settings } from '../settings/index.js'
import { kAuth, kDatabase, kSessionCodec, kUser } from '../symbols.js'
import { addTemplateContext } from '../templates/index.js'
import { ensureAuthIndexes } from './collections.js'
import { loadRequestUser, loginRequest, logoutRequest, type LoginOptions } from './login.js'
import { AuthRuntime } from './runtime.js'
import { ANONYMOUS_USER, templatePerms, type AuthUser } from './user.js'
import type { UserDocument } from './collections.js'
import type {} from '../db/plugin.js'
import './source.js'

declare module 'fastify' {
  interface FastifyRequest {
    [kUser]: AuthUser | null
    /**
     * The user of this request (the anonymous user when nobody is logged in), loaded once per
     * request before the handler from the session's login record. Only with settings.auth on.
     */
    readonly user: AuthUser
    /**
     * Logs `user` in: a fresh session (only `opts.keep` keys survive), a new login record.
     * @throws TAO_ERR_AUTH_USER_INACTIVE
     */
    login (user: AuthUser | UserDocument, opts?: LoginOptions): Promise<AuthUser>
    /** Logs out: deletes the login record (every login of the user with `everywhere`) and empties the session. */
    logout (opts?: { everywhere?: boolean }): Promise<void>
  }
}

/**
 * Boot-time part of the auth app, at the root of the server (so `app.fastify[kAuth]` serves
 * createUser() and the testing helpers): its runtime, its login URL, and, when the database
 * is ready, its indexes and the dummy hash for unknown users.
 */
export function installAuth (fastify: FastifyInstance, settings: Settings, reverser: Reverser): AuthRuntime | null {
  if (!settings.auth.enabled) return null
  const rt = new AuthRuntime(settings, () => fastify[kDatabase].db)
  rt.loginUrl = reverser.url('auth:login')
  fastify.decorate(kAuth, rt)
  fastify.addHook('onReady', async function authReady () {
    await rt.dummyHash()
    try {
      await ensureAuthIndexes(fastify[kDatabase].db)
    } catch (err) {
      // The database may be down at boot in production (it answers 503 until it is back).
      fastify.log.warn({ err }, 'auth: could not create the indexes of auth_users and auth_sessions; they will be created at the next start')
    }
  })
  return rt
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  runtime: AuthRuntime
}

/**
 * `tao:auth`, in the pages context after the session: `req.user` (loaded in a preHandler
 * hook, and only when the request carries a session cookie), `req.login()`, `req.logout()`,
 * and the template names `user` and `perms`.
 */
async function auth (fastify: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const rt = opts.runtime
  rt.encodeSession = fastify[kSessionCodec].encode
  fastify.decorateRequest(kUser, null)
  fastify.decorateRequest('user', {
    getter (this: FastifyRequest) { return this[kUser] ?? ANONYMOUS_USER },
  })
  fastify.decorateRequest('login', function (this: FastifyRequest, user: AuthUser | UserDocument, o?: LoginOptions) {
    return loginRequest(this, rt, user, o)
  })
  fastify.decorateRequest('logout', function (this: FastifyRequest, o?: { everywhere?: boolean }) {
    return logoutRequest(this, o)
  })
  fastify.addHook('preHandler', function loadUser (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
    // No session cookie, no login: nothing to read.
    if (req.cookies[rt.cookieName] === undefined) return done()
    loadRequestUser(req, rt).then((user) => { req[kUser] = user; done() }, done)
  })
  addTemplateContext(fastify, 'user', (req) => req.user, { fallback: ANONYMOUS_USER, owner: 'tao:auth' })
  addTemplateContext(fastify, 'perms', (req) => templatePerms(req.user), { fallback: templatePerms(ANONYMOUS_USER), owner: 'tao:auth' })
}

export const authPlugin = fp(auth, { name: 'tao:auth', fastify: '5.x', dependencies: ['tao:session', 'tao:templates'] })
