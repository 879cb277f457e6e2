import type { FastifyReply, FastifyRequest } from 'fastify'
import { kAuth } from '../../symbols.js'
import { usersIn } from '../collections.js'
import { verifyPassword } from '../hashers.js'
import { setPassword, validatePassword } from '../users.js'
import { field, mismatch } from './forms.js'

/** Templates of the password change pages. */
export const PASSWORD_CHANGE_TEMPLATE = 'auth:password_change'
export const PASSWORD_CHANGE_DONE_TEMPLATE = 'auth:password_change_done'

/** GET the password change form (login required). */
export async function passwordChangePage (_req: FastifyRequest, reply: FastifyReply) {
  return reply.render(PASSWORD_CHANGE_TEMPLATE, { errors: {} })
}

/**
 * POST the password change: the old password, then the new one twice. Other logins of the
 * user end; this one stays. Wrong old password or a refused new one: 400 with the form.
 */
export async function passwordChangeSubmit (req: FastifyRequest, reply: FastifyReply) {
  const rt = req.server[kAuth]!
  const user = req.user
  const doc = await usersIn(req.db).findOne({ _id: user._id! })
  const oldPassword = field(req, 'old_password')
  const next1 = field(req, 'new_password1')
  const errors: Record<string, string[]> = {}
  if (doc === null || !(await verifyPassword(oldPassword, doc.password, rt.scrypt))) {
    errors.old_password = ['Your old password was entered incorrectly. Please enter it again.']
  }
  const problems = [...mismatch(next1, field(req, 'new_password2')), ...(next1 === '' ? [] : validatePassword(req, next1, user))]
  if (problems.length > 0) errors.new_password2 = problems
  if (Object.keys(errors).length > 0) return reply.code(400).render(PASSWORD_CHANGE_TEMPLATE, { errors })
  await setPassword(req, user, next1)
  req.flash('success', 'Your password was changed.')
  return reply.redirectTo('auth:password_change_done')
}

/** GET: the password was changed. */
export async function passwordChangeDone (_req: FastifyRequest, reply: FastifyReply) {
  return reply.render(PASSWORD_CHANGE_DONE_TEMPLATE, {})
}
