import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'
import { prefersJson } from '../server/negotiate.js'
import { kAuth } from '../symbols.js'
import type { AuthUser } from './user.js'

type AnyHandler = (req: FastifyRequest, reply: FastifyReply) => unknown

/**
 * A guard: use it as a route's `preHandler` option (HTTP and ws routes:
 * `route('GET', '/x', view, { name: 'x', preHandler: loginRequired })`), or wrap a handler
 * with it (`route('GET', '/x', loginRequired(view))`).
 */
export interface Guard {
  /** Checks the request: as a Fastify preHandler hook. */
  (req: FastifyRequest, reply: FastifyReply): Promise<unknown>
  /** Wraps an HTTP handler so it runs only when the check passes. */
  <H extends AnyHandler>(handler: H): H
  /** What the guard asks for, in words (for messages). */
  readonly needs: string
}

/**
 * The check of every guard: an anonymous HTML GET is redirected to the login page with
 * `next`; any other anonymous request is a 401; a logged-in user who fails `allowed` a 403.
 * Returns true when the request may go on.
 */
async function check (req: FastifyRequest, reply: FastifyReply, needs: string, allowed: (u: AuthUser) => boolean): Promise<boolean> {
  const rt = req.server[kAuth]
  if (rt === undefined) throw taoError('TAO_ERR_AUTH_NOT_ENABLED', [`A guard (${needs}) on ${req.url}`])
  const user = req.user
  if (!user.isAuthenticated) {
    const upgrade = (req.headers.upgrade ?? '') !== ''
    if ((req.method === 'GET' || req.method === 'HEAD') && !upgrade && !prefersJson(req)) {
      reply.redirect(`${rt.loginUrl}?${new URLSearchParams({ next: req.url })}`, 302)
      return false
    }
    throw taoError('TAO_ERR_AUTH_LOGIN_REQUIRED', [req.url.split('?')[0]!])
  }
  if (!allowed(user)) throw taoError('TAO_ERR_AUTH_PERMISSION_DENIED', [req.url.split('?')[0]!, needs])
  return true
}

function makeGuard (needs: string, allowed: (u: AuthUser) => boolean): Guard {
  function guard (reqOrHandler: FastifyRequest | AnyHandler, reply?: FastifyReply): unknown {
    if (typeof reqOrHandler === 'function') {
      const handler = reqOrHandler
      return async function guarded (req: FastifyRequest, rep: FastifyReply) {
        if (!(await check(req, rep, needs, allowed))) return rep
        return await handler(req, rep)
      }
    }
    // As a hook, a reply that was sent (the redirect) must be returned.
    return check(reqOrHandler, reply!, needs, allowed).then((ok) => (ok ? undefined : reply))
  }
  return Object.assign(guard, { needs }) as Guard
}

/** Any logged-in (active) user. */
export const loginRequired: Guard = makeGuard('a logged-in user', (u) => u.isActive)

/** A logged-in staff user (who may use the admin). */
export const staffRequired: Guard = makeGuard('a staff user', (u) => u.isActive && u.isStaff)

/** A logged-in superuser. */
export const superuserRequired: Guard = makeGuard('a superuser', (u) => u.isActive && u.isSuperuser)

/**
 * A logged-in user with every named permission (`'blog.change_posts'`); superusers have all.
 * @example route('POST', '/:id/edit', permissionRequired('blog.change_posts')(save))
 */
export function permissionRequired (...perms: string[]): Guard {
  const needs = `the permission${perms.length > 1 ? 's' : ''} ${perms.map((p) => `'${p}'`).join(', ')}`
  return makeGuard(needs, (u) => u.hasPerm(...perms))
}
