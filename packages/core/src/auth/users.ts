import type { Collection, ObjectId } from 'mongodb'
import { isTaoError, taoError } from '../errors/index.js'
import { nameKey, usersIn, type UserDocument } from './collections.js'
import { User } from './models.js'
import { hashPassword, needsRehash, unusablePassword, verifyPassword } from './hashers.js'
import { currentLoginId, endOtherLogins, refreshSessionHash } from './login.js'
import { resolveAuthSource, type AuthSource } from './source.js'
import { passwordProblems } from './validators.js'

/** What {@link createUser} takes. */
export interface NewUser {
  username: string
  email?: string
  /** Omit (or null) for a user who cannot log in with a password. Not validated: see {@link validatePassword}. */
  password?: string | null
  isActive?: boolean
  isStaff?: boolean
  isSuperuser?: boolean
  groups?: ObjectId[]
  permissions?: string[]
}

const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u
const EMAIL = /^[^\s@]+@[^\s@]+$/

function userProblems (data: NewUser): Record<string, string> {
  const fields: Record<string, string> = {}
  if (typeof data.username !== 'string' || data.username === '') fields.username = 'A username is required.'
  else if (data.username.length > 150) fields.username = 'A username has at most 150 characters.'
  else if (!USERNAME.test(data.username)) fields.username = 'A username may contain only letters, digits and @ . + - _'
  if (data.email !== undefined && data.email !== '' && (typeof data.email !== 'string' || data.email.length > 254 || !EMAIL.test(data.email))) {
    fields.email = 'Enter a valid email address.'
  }
  return fields
}

/** The users collection (`auth_users`) of the source's database, for queries of your own. */
export function users (source?: AuthSource): Collection<UserDocument> {
  return usersIn(resolveAuthSource(source, 'users()').db)
}

/**
 * Creates a user (Django's `create_user`): the password is hashed, the username and email
 * must be unique case-insensitively. Pass the request or app first, or only the data to use
 * the app this process serves.
 * @throws TAO_ERR_AUTH_USER_INVALID (details.fields), TAO_ERR_AUTH_USER_EXISTS, TAO_ERR_AUTH_NOT_ENABLED
 * @example const ann = await createUser(app, { username: 'ann', email: 'ann@example.com', password: 'correct horse' })
 */
export async function createUser (sourceOrData: AuthSource | NewUser, maybeData?: NewUser): Promise<UserDocument> {
  const data = (maybeData ?? sourceOrData) as NewUser
  const { db, rt } = resolveAuthSource(maybeData === undefined ? undefined : sourceOrData as AuthSource, 'createUser()')
  const fields = userProblems(data)
  if (Object.keys(fields).length > 0) throw taoError('TAO_ERR_AUTH_USER_INVALID', [Object.values(fields).join(' ')], { fields })
  const email = data.email ?? ''
  const doc: Omit<UserDocument, '_id'> & { _id?: ObjectId } = {
    username: data.username,
    usernameKey: nameKey(data.username),
    email,
    ...(email === '' ? {} : { emailKey: nameKey(email) }),
    password: typeof data.password === 'string' ? await hashPassword(data.password, rt.scrypt) : unusablePassword(),
    isActive: data.isActive ?? true,
    isStaff: data.isStaff ?? false,
    isSuperuser: data.isSuperuser ?? false,
    groups: data.groups ?? [],
    permissions: data.permissions ?? [],
    lastLogin: null,
    dateJoined: new Date(),
  }
  try {
    // Through the model: the document is checked against its schema before it is written.
    const { insertedId } = await User.of(db).insertOne(doc as UserDocument)
    return { ...doc, _id: insertedId } as UserDocument
  } catch (err) {
    if (!isTaoError(err, 'TAO_ERR_MODEL_DUPLICATE')) throw err
    const field = 'emailKey' in (err.details.fields as object) ? 'email' : 'username'
    throw taoError('TAO_ERR_AUTH_USER_EXISTS', [field, field === 'email' ? email : data.username], { fields: { [field]: `A user with that ${field} already exists.` } })
  }
}

/**
 * The active user whose username (or email) and password match, or null. Costs the same time
 * whether the user exists or not (an unknown user's password is checked against a dummy hash),
 * and upgrades a hash made with older scrypt parameters.
 */
export async function authenticate (source: AuthSource, username: string, password: string): Promise<UserDocument | null> {
  const { db, rt } = resolveAuthSource(source, 'authenticate()')
  if (typeof username !== 'string' || typeof password !== 'string' || username.length > 254 || password.length > 4096) return null
  const key = nameKey(username)
  const doc = await usersIn(db).findOne({ $or: [{ usernameKey: key }, { emailKey: key }] })
  const ok = await verifyPassword(password, doc?.password ?? await rt.dummyHash(), rt.scrypt)
  if (doc === null || !ok || !doc.isActive) return null
  if (needsRehash(doc.password, rt.scrypt)) {
    const upgraded = await hashPassword(password, rt.scrypt)
    await usersIn(db).updateOne({ _id: doc._id, password: doc.password }, { $set: { password: upgraded } })
    doc.password = upgraded
  }
  return doc
}

/**
 * The problems of a password for a user, as the forms show them (empty when it is fine): length
 * (settings.auth.passwordMinLength), not all digits, not close to the username or email, not a
 * common password.
 */
export function validatePassword (source: AuthSource | undefined, password: string, user?: { username?: string, email?: string }): string[] {
  const { rt } = resolveAuthSource(source, 'validatePassword()')
  return passwordProblems(password, { username: user?.username, email: user?.email, minLength: rt.settings.passwordMinLength })
}

/**
 * Sets a user's password (hashed) and ends every login of that user, except the current one
 * when `source` is a request logged in as that user (it gets the new password's MAC).
 * @throws TAO_ERR_AUTH_USER_NOT_FOUND
 */
export async function setPassword (source: AuthSource, user: { _id: ObjectId | null }, password: string | null): Promise<void> {
  const { db, rt, req } = resolveAuthSource(source, 'setPassword()')
  const hash = password === null ? unusablePassword() : await hashPassword(password, rt.scrypt)
  const res = user._id === null ? null : await usersIn(db).findOneAndUpdate({ _id: user._id }, { $set: { password: hash } }, { returnDocument: 'after' })
  if (res === null) throw taoError('TAO_ERR_AUTH_USER_NOT_FOUND', [String(user._id)])
  const own = req !== null && req.user.isAuthenticated && String(req.user._id) === String(res._id)
  await endOtherLogins(db, res._id, own ? currentLoginId(req) : null)
  if (own) refreshSessionHash(req, rt, res)
}

/** True when `err` is a TaoError about user data (shown next to the form's fields). */
export const isUserDataError = (err: unknown): boolean => isTaoError(err) && err.code.startsWith('TAO_ERR_AUTH_USER_')
