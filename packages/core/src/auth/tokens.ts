import { ObjectId } from 'mongodb'
import type { UserDocument } from './collections.js'
import type { AuthRuntime } from './runtime.js'

// Django's PasswordResetTokenGenerator, in shape: the token is a timestamp and an HMAC of the
// user's state (id, password hash, last login, email) at that time. Nothing is stored: setting
// a new password (using the link) or logging in changes the state, and the token stops
// matching; past settings.auth.resetTimeout it has expired.

const state = (user: UserDocument) => [String(user._id), user.password, String(user.lastLogin?.getTime() ?? ''), user.email]

/** A password-reset token for `user`, valid for settings.auth.resetTimeout. */
export function makeResetToken (rt: AuthRuntime, user: UserDocument, now = Date.now()): string {
  const ts = Math.floor(now / 1000).toString(36)
  return `${ts}-${rt.sign('reset', ts, ...state(user))}`
}

/** True when `token` was made for `user` in its current state and has not expired. */
export function checkResetToken (rt: AuthRuntime, user: UserDocument, token: string, now = Date.now()): boolean {
  const m = /^([0-9a-z]{1,10})-([A-Za-z0-9_-]{43})$/.exec(token)
  if (m === null) return false
  const issued = parseInt(m[1]!, 36) * 1000
  if (!Number.isSafeInteger(issued) || issued > now + 60_000 || now - issued > rt.settings.resetTimeout) return false
  return rt.verify(m[2]!, 'reset', m[1]!, ...state(user))
}

/** The user id as it appears in a reset link. */
export const encodeUid = (id: ObjectId): string => Buffer.from(id.toHexString(), 'hex').toString('base64url')

/** The user id of a reset link, or null when it is not one. */
export function decodeUid (uid: string): ObjectId | null {
  if (!/^[A-Za-z0-9_-]{16}$/.test(uid)) return null
  return new ObjectId(Buffer.from(uid, 'base64url').toString('hex'))
}
