import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'
import { kReverse } from '../symbols.js'
import type { ResolvedAdmin } from './model-admin.js'
import type { AdminPermission } from './types.js'

/** What the admin reads of `req.user` (the auth app's user; see docs/reference/auth.md). */
export interface AdminUser {
  isAuthenticated: boolean
  isActive: boolean
  isStaff: boolean
  isSuperuser: boolean
  username: string
  _id?: unknown
  hasPerm (perm: string): boolean
}

/** The request's user (the auth app's lazy `req.user`). */
export function userOf (req: FastifyRequest): AdminUser {
  return (req as unknown as { user: AdminUser }).user
}

/** True when the request's user holds `action` on the model (superusers hold every permission). */
export function can (req: FastifyRequest, admin: ResolvedAdmin, action: AdminPermission): boolean {
  const user = userOf(req)
  return user.isSuperuser || user.hasPerm(admin.perms[action])
}

/**
 * Refuses the request unless its user holds `action` on the model.
 * @throws TAO_ERR_ADMIN_PERMISSION_DENIED (403)
 */
export function assertCan (req: FastifyRequest, admin: ResolvedAdmin, action: AdminPermission): void {
  if (!can(req, admin, action)) throw taoError('TAO_ERR_ADMIN_PERMISSION_DENIED', [`the permission '${admin.perms[action]}'`])
}

/** The four permissions of a model for the request's user, for templates. */
export function permsFor (req: FastifyRequest, admin: ResolvedAdmin): Record<AdminPermission, boolean> {
  return { view: can(req, admin, 'view'), add: can(req, admin, 'add'), change: can(req, admin, 'change'), delete: can(req, admin, 'delete') }
}

/** The name of the auth app's login route, where anonymous visitors are sent. */
export const LOGIN_ROUTE = 'auth:login'

/**
 * The admin's gate, run before every admin page and action (a preHandler): anonymous visitors
 * are sent to the login page with `next` (this page), logged-in users who are not active staff
 * get 403.
 * @throws TAO_ERR_ADMIN_PERMISSION_DENIED (403)
 */
export async function adminGate (req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const user = userOf(req)
  if (user === undefined || user === null || !user.isAuthenticated) {
    const next = req.method === 'GET' ? req.url : req.url.split('?', 1)[0]!
    await reply.redirect(reply.server[kReverse].url(LOGIN_ROUTE, {}, { next }), 302)
    return
  }
  if (!user.isActive || !user.isStaff) throw taoError('TAO_ERR_ADMIN_PERMISSION_DENIED', ['an active staff account'])
}

/**
 * Refuses the request unless its user is a superuser (the raw collection browser).
 * @throws TAO_ERR_ADMIN_PERMISSION_DENIED (403)
 */
export function assertSuperuser (req: FastifyRequest): void {
  if (!userOf(req).isSuperuser) throw taoError('TAO_ERR_ADMIN_PERMISSION_DENIED', ['a superuser account'])
}
