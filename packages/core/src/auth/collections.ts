import type { Collection, Db, ObjectId } from 'mongodb'

/** A user as stored in `auth_users`. */
export interface UserDocument {
  _id: ObjectId
  username: string
  /** username, NFKC-normalized and lowercased: unique, so 'Ann' and 'ann' are one user. */
  usernameKey: string
  email: string
  /** email lowercased; absent when the email is empty (unique among those who have one). */
  emailKey?: string
  /** `scrypt$N$r$p$salt$hash`, or an unusable value starting with '!'. */
  password: string
  isActive: boolean
  isStaff: boolean
  isSuperuser: boolean
  groups: ObjectId[]
  /** Permission names given to the user directly: 'blog.change_posts'. */
  permissions: string[]
  lastLogin: Date | null
  dateJoined: Date
}

/** A group as stored in `auth_groups`: its members get its permissions. */
export interface GroupDocument {
  _id: ObjectId
  name: string
  permissions: string[]
}

/** A login, as stored in `auth_sessions`: the session cookie names it; deleting it logs out. */
export interface LoginRecord {
  /** Random, 32 bytes in base64url: what the session cookie holds. */
  _id: string
  userId: ObjectId
  createdAt: Date
  /** When the record disappears (TTL index): the login ends then at the latest. */
  expiresAt: Date
  ip: string
  userAgent: string
}

/** A failed-login counter, as stored in `auth_throttle` (TTL index on expiresAt). */
export interface ThrottleDocument {
  _id: string
  count: number
  expiresAt: Date
}

export const USERS = 'auth_users'
export const GROUPS = 'auth_groups'
export const SESSIONS = 'auth_sessions'
export const THROTTLE = 'auth_throttle'

/** The users collection of a database. */
export const usersIn = (db: Db): Collection<UserDocument> => db.collection<UserDocument>(USERS)
/** The groups collection of a database. */
export const groupsIn = (db: Db): Collection<GroupDocument> => db.collection<GroupDocument>(GROUPS)
/** The login records of a database. */
export const loginsIn = (db: Db): Collection<LoginRecord> => db.collection<LoginRecord>(SESSIONS)

/** Normalizes a username or email for the unique keys (case-insensitive, NFKC). */
export const nameKey = (s: string): string => s.normalize('NFKC').toLowerCase()

/**
 * Creates the indexes of the auth collections (idempotent): unique case-insensitive username
 * and email, TTL on login records and throttle counters.
 */
export async function ensureAuthIndexes (db: Db): Promise<void> {
  await Promise.all([
    usersIn(db).createIndex({ usernameKey: 1 }, { unique: true, name: 'username_unique' }),
    usersIn(db).createIndex({ emailKey: 1 }, { unique: true, sparse: true, name: 'email_unique' }),
    groupsIn(db).createIndex({ name: 1 }, { unique: true, name: 'name_unique' }),
    loginsIn(db).createIndex({ userId: 1 }, { name: 'user' }),
    loginsIn(db).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiry' }),
    db.collection(THROTTLE).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiry' }),
  ])
}
