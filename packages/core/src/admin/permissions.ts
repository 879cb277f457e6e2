import type { FastifyRequest } from 'fastify'
import type { AuthUser } from '../auth/user.js'
import { taoError } from '../errors/index.js'
import type { ResolvedAdmin } from './model-admin.js'
import type { AdminPermission } from './types.js'

/** What the admin reads of `req.user`: the auth app's user. */
export type AdminUser = AuthUser

/** The request's user (the auth app's lazy `req.user`). */
export function userOf (req: FastifyRequest): AdminUser {
  return req.user
}

/**
 * True when the request's user holds `action` on the model (superusers hold every permission;
 * as in Django, the change permission includes viewing).
 */
export function can (req: FastifyRequest, admin: ResolvedAdmin, action: AdminPermission): boolean {
  const user = userOf(req)
  return (user.isActive && user.isSuperuser) || user.hasPerm(admin.perms[action]) || (action === 'view' && user.hasPerm(admin.perms.change))
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

/**
 * Refuses the request unless its user is a superuser (the raw collection browser).
 * @throws TAO_ERR_ADMIN_PERMISSION_DENIED (403)
 */
export function assertSuperuser (req: FastifyRequest): void {
  if (!userOf(req).isSuperuser || !userOf(req).isActive) throw taoError('TAO_ERR_ADMIN_PERMISSION_DENIED', ['a superuser account'])
}
