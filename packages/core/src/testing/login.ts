import type { ObjectId } from 'mongodb'
import { nameKey, usersIn } from '../auth/collections.js'
import { createLoginRecord, SESSION_AUTH_KEY, sessionHash } from '../auth/login.js'
import { resolveAuthSource } from '../auth/source.js'
import { taoError } from '../errors/index.js'
import type { TaoApp } from '../server/tao-app.js'

/**
 * The session cookie of a fresh login of `user` (a user document or a username) on `app`: a
 * login record in auth_sessions, and the session naming it, as the login form makes them
 * (without the password check, so tests stay fast).
 * @throws TAO_ERR_AUTH_NOT_ENABLED, TAO_ERR_AUTH_USER_NOT_FOUND
 */
export async function loginCookie (app: TaoApp, user: { _id: ObjectId } | string): Promise<{ name: string, value: string }> {
  const { db, rt } = resolveAuthSource(app, 'TestClient.login()')
  const filter = typeof user === 'string' ? { usernameKey: nameKey(user) } : { _id: user._id }
  const doc = await usersIn(db).findOne(filter)
  if (doc === null) throw taoError('TAO_ERR_AUTH_USER_NOT_FOUND', [typeof user === 'string' ? user : String(user._id)])
  const sid = await createLoginRecord(db, rt, doc._id)
  return { name: rt.cookieName, value: rt.encodeSession({ [SESSION_AUTH_KEY]: { sid, hash: sessionHash(rt, doc) } }) }
}
