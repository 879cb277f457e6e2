import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Db, ObjectId } from 'mongodb'
import { taoError } from '../errors/index.js'
import { kUser } from '../symbols.js'
import { groupsIn, loginsIn, usersIn, type UserDocument } from './collections.js'
import type { AuthRuntime } from './runtime.js'
import { ANONYMOUS_USER, toAuthUser, type AuthUser } from './user.js'

/** The session key of the login: the record's id and a MAC of the user's password hash. */
export const SESSION_AUTH_KEY = '_auth'

interface SessionAuth {
  sid: string
  hash: string
}

/** Options of `req.login()`. */
export interface LoginOptions {
  /** Session keys carried over from the session before the login (everything else is dropped). */
  keep?: string[]
}

/** A MAC of the password hash: changing the password makes every login's value stale. */
export function sessionHash (rt: AuthRuntime, user: Pick<UserDocument, '_id' | 'password'>): string {
  return rt.sign('session', String(user._id), user.password)
}

function readSessionAuth (req: FastifyRequest): SessionAuth | null {
  const v = req.session.get(SESSION_AUTH_KEY) as Partial<SessionAuth> | undefined
  return typeof v === 'object' && v !== null && typeof v.sid === 'string' && typeof v.hash === 'string' ? v as SessionAuth : null
}

/** A new login record for `user`; returns its id. */
export async function createLoginRecord (db: Db, rt: AuthRuntime, userId: ObjectId, req?: FastifyRequest): Promise<string> {
  const now = new Date()
  const sid = randomBytes(32).toString('base64url')
  await loginsIn(db).insertOne({
    _id: sid,
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + rt.loginMaxAge),
    ip: req?.ip ?? '',
    userAgent: String(req?.headers['user-agent'] ?? '').slice(0, 300),
  })
  return sid
}

/**
 * Logs `user` in on this request: a fresh session (only the keys in `opts.keep` survive from the
 * anonymous one), a new login record in `auth_sessions`, its id and the password-hash MAC in
 * the session, and `lastLogin` updated. `req.user` is the user from now on.
 * @throws TAO_ERR_AUTH_USER_INACTIVE when the user is inactive or unknown.
 */
export async function loginRequest (req: FastifyRequest, rt: AuthRuntime, user: { _id: ObjectId | null }, opts: LoginOptions = {}): Promise<AuthUser> {
  const users = usersIn(req.db)
  const doc = user._id === null ? null : await users.findOne({ _id: user._id })
  if (doc === null || !doc.isActive) throw taoError('TAO_ERR_AUTH_USER_INACTIVE', [doc?.username ?? String(user._id)])
  // 1. End the login this session had, if any, then start from an empty session.
  const previous = readSessionAuth(req)
  if (previous !== null) await loginsIn(req.db).deleteOne({ _id: previous.sid })
  req.session.regenerate(opts.keep ?? [])
  // 2. Record the login server-side, and name it in the session.
  const sid = await createLoginRecord(req.db, rt, doc._id, req)
  req.session.set(SESSION_AUTH_KEY, { sid, hash: sessionHash(rt, doc) } satisfies SessionAuth)
  const lastLogin = new Date()
  await users.updateOne({ _id: doc._id }, { $set: { lastLogin } })
  const authUser = await withGroupPermissions(req.db, { ...doc, lastLogin })
  setRequestUser(req, authUser)
  return authUser
}

/**
 * Logs the request's user out: deletes its login record (so a copy of the session cookie is
 * anonymous from now on) and empties the session. With `everywhere`, every login of the user
 * ends (other browsers and devices too).
 */
export async function logoutRequest (req: FastifyRequest, opts: { everywhere?: boolean } = {}): Promise<void> {
  const auth = readSessionAuth(req)
  if (auth !== null) {
    const logins = loginsIn(req.db)
    if (opts.everywhere === true) {
      const record = await logins.findOne({ _id: auth.sid })
      if (record !== null) await logins.deleteMany({ userId: record.userId })
    } else {
      await logins.deleteOne({ _id: auth.sid })
    }
  }
  req.session.regenerate([])
  setRequestUser(req, ANONYMOUS_USER)
}

/** Ends every login of a user but the one named `keep` (after a password change). */
export async function endOtherLogins (db: Db, userId: ObjectId, keep: string | null): Promise<void> {
  await loginsIn(db).deleteMany(keep === null ? { userId } : { userId, _id: { $ne: keep } })
}

/** The current session's login record id, or null. */
export function currentLoginId (req: FastifyRequest): string | null {
  return readSessionAuth(req)?.sid ?? null
}

/** Puts the new password's MAC in the session, so this login survives its own password change. */
export function refreshSessionHash (req: FastifyRequest, rt: AuthRuntime, user: Pick<UserDocument, '_id' | 'password'>): void {
  const auth = readSessionAuth(req)
  if (auth !== null) req.session.set(SESSION_AUTH_KEY, { sid: auth.sid, hash: sessionHash(rt, user) })
}

async function withGroupPermissions (db: Db, doc: UserDocument): Promise<AuthUser> {
  if (!Array.isArray(doc.groups) || doc.groups.length === 0) return toAuthUser(doc)
  const groups = await groupsIn(db).find({ _id: { $in: doc.groups } }, { projection: { permissions: 1 } }).toArray()
  return toAuthUser(doc, groups.flatMap((g) => g.permissions ?? []))
}

/**
 * The user of a request, from its session: anonymous unless the session names a login record
 * that still exists and has not expired, of an active user whose password hash still gives
 * the session's MAC. Costs nothing without a session cookie; with a login, one read of the
 * record, one of the user (and one of its groups when it has any), and a renewal write once
 * per half session lifetime.
 */
export async function loadRequestUser (req: FastifyRequest, rt: AuthRuntime): Promise<AuthUser> {
  if (req.cookies[rt.cookieName] === undefined) return ANONYMOUS_USER
  const auth = readSessionAuth(req)
  if (auth === null) return ANONYMOUS_USER
  const logins = loginsIn(req.db)
  const record = await logins.findOne({ _id: auth.sid })
  const now = Date.now()
  const doc = record === null || record.expiresAt.getTime() <= now ? null : await usersIn(req.db).findOne({ _id: record.userId })
  if (record === null || doc === null || !doc.isActive || !rt.verify(auth.hash, 'session', String(doc._id), doc.password)) {
    // A stale login (logged out elsewhere, expired, password changed): forget it.
    req.session.set(SESSION_AUTH_KEY, undefined)
    return ANONYMOUS_USER
  }
  // Sliding expiry, written at most once per half lifetime.
  if (record.expiresAt.getTime() - now < rt.loginMaxAge / 2) {
    await logins.updateOne({ _id: record._id }, { $set: { expiresAt: new Date(now + rt.loginMaxAge) } })
    req.session.touch()
  }
  return await withGroupPermissions(req.db, doc)
}

/** Sets `req.user` (see the auth plugin's decoration). */
export function setRequestUser (req: FastifyRequest, user: AuthUser): void {
  req[kUser] = user
}
