import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../../errors/index.js'
import { sendMail } from '../../mail/index.js'
import { prefersJson } from '../../server/negotiate.js'
import { kAuth, kReverse, kTemplates } from '../../symbols.js'
import { nameKey, usersIn, type UserDocument } from '../collections.js'
import { isUsablePassword } from '../hashers.js'
import type { AuthRuntime } from '../runtime.js'
import { checkResetToken, decodeUid, encodeUid, makeResetToken } from '../tokens.js'
import { setPassword, validatePassword } from '../users.js'
import { field, mismatch } from './forms.js'

/** Templates of the password reset pages and mail. */
export const RESET_TEMPLATES = Object.freeze({
  form: 'auth:password_reset',
  sent: 'auth:password_reset_sent',
  confirm: 'auth:password_reset_confirm',
  complete: 'auth:password_reset_complete',
  mailText: 'auth:password_reset_email.txt',
  mailSubject: 'auth:password_reset_subject.txt',
})

/** GET the "forgot your password" form. */
export async function resetPage (_req: FastifyRequest, reply: FastifyReply) {
  return reply.render(RESET_TEMPLATES.form, {})
}

async function sendResetMails (req: FastifyRequest, rt: AuthRuntime, users: UserDocument[]): Promise<void> {
  const origin = `${req.protocol}://${req.host}`
  for (const user of users) {
    const path = req.server[kReverse].url('auth:password_reset_confirm', { uid: encodeUid(user._id), token: makeResetToken(rt, user) })
    const context = { user: { username: user.username, email: user.email }, link: origin + path, site: req.hostname, days: Math.round(rt.settings.resetTimeout / 86_400_000 * 10) / 10 }
    const subject = req.server[kTemplates].render(RESET_TEMPLATES.mailSubject, context).replace(/\s+/g, ' ').trim()
    await sendMail(req, { to: user.email, subject, textTemplate: RESET_TEMPLATES.mailText, context })
  }
}

/**
 * POST an email: every active user with that email and a usable password gets a link. The
 * answer is the same redirect whether the email exists or not, and the mails are sent after
 * it (their time, or a failure, never shows in the answer); a failure is logged.
 */
export async function resetSubmit (req: FastifyRequest, reply: FastifyReply) {
  const rt = req.server[kAuth]!
  const email = field(req, 'email').trim()
  if (email !== '' && email.length <= 254) {
    const found = await usersIn(req.db).find({ emailKey: nameKey(email), isActive: true }).toArray()
    const users = found.filter((u) => isUsablePassword(u.password))
    if (users.length > 0) {
      sendResetMails(req, rt, users).catch((err: unknown) => req.log.error({ err }, 'auth: the password-reset mail could not be sent'))
    }
  }
  return reply.redirectTo('auth:password_reset_sent')
}

/** GET: "check your mail", whatever was typed. */
export async function resetSent (_req: FastifyRequest, reply: FastifyReply) {
  return reply.render(RESET_TEMPLATES.sent, {})
}

async function userOfLink (req: FastifyRequest): Promise<UserDocument | null> {
  const { uid, token } = req.params as { uid: string, token: string }
  const id = decodeUid(uid)
  const user = id === null ? null : await usersIn(req.db).findOne({ _id: id, isActive: true })
  return user !== null && checkResetToken(req.server[kAuth]!, user, token) ? user : null
}

function invalidLink (req: FastifyRequest, reply: FastifyReply) {
  if (prefersJson(req)) throw taoError('TAO_ERR_AUTH_TOKEN_INVALID', [])
  return reply.code(400).render(RESET_TEMPLATES.confirm, { validlink: false, errors: {} })
}

/**
 * onSend hook of the link's pages: the link is a secret, so no Referer carries it to another
 * page (a route hook, so it comes after the site-wide security headers).
 */
export function noReferrer (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
  reply.header('referrer-policy', 'no-referrer')
  done(null, payload)
}

/** GET the link of the mail: the new-password form, or a 400 page when the link is not valid. */
export async function resetConfirmPage (req: FastifyRequest, reply: FastifyReply) {
  return (await userOfLink(req)) === null ? invalidLink(req, reply) : reply.render(RESET_TEMPLATES.confirm, { validlink: true, errors: {} })
}

/** POST the new password twice: set (the link stops working, every login ends), or 400. */
export async function resetConfirmSubmit (req: FastifyRequest, reply: FastifyReply) {
  const user = await userOfLink(req)
  if (user === null) return invalidLink(req, reply)
  const pw = field(req, 'new_password1')
  const problems = [...mismatch(pw, field(req, 'new_password2')), ...(pw === '' ? [] : validatePassword(req, pw, user))]
  if (problems.length > 0) return reply.code(400).render(RESET_TEMPLATES.confirm, { validlink: true, errors: { new_password2: problems } })
  await setPassword(req, user, pw)
  return reply.redirectTo('auth:password_reset_complete')
}

/** GET: the password was reset; log in. */
export async function resetComplete (_req: FastifyRequest, reply: FastifyReply) {
  return reply.render(RESET_TEMPLATES.complete, {})
}
