import { defineLazyModel } from '../models/define-model.js'
import { Type } from '../models/index.js'
import { GROUPS, SESSIONS, USERS } from './collections.js'

/**
 * The users of the auth app (`auth_users`). Write through createUser() and setPassword(),
 * which hash the password and keep `usernameKey` and `emailKey` (the case-insensitive unique
 * keys) in step; the admin and projects read and edit the other fields like any model.
 */
export const User = defineLazyModel('auth:users', {
  collection: USERS,
  schema: () => Type.Object({
    _id: Type.Optional(Type.ObjectId()),
    username: Type.String({ minLength: 1, maxLength: 150, pattern: '^[\\p{L}\\p{N}_.@+-]+$', errorMessage: 'Letters, digits and @ . + - _ only (at most 150).' }),
    usernameKey: Type.String({ minLength: 1 }),
    email: Type.String({ maxLength: 254 }),
    emailKey: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.String({ minLength: 1 }),
    isActive: Type.Boolean({ default: true }),
    isStaff: Type.Boolean({ default: false }),
    isSuperuser: Type.Boolean({ default: false }),
    groups: Type.Array(Type.ObjectId(), { default: [] }),
    permissions: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*\\.[a-z0-9_]+$' }), { default: [] }),
    lastLogin: Type.Union([Type.Date(), Type.Null()]),
    dateJoined: Type.Date(),
  }),
  indexes: [
    { key: { usernameKey: 1 }, unique: true, name: 'username_unique' },
    { key: { emailKey: 1 }, unique: true, sparse: true, name: 'email_unique' },
  ],
})

/** Groups of users (`auth_groups`): a member has the group's permissions. */
export const Group = defineLazyModel('auth:groups', {
  collection: GROUPS,
  schema: () => Type.Object({
    _id: Type.Optional(Type.ObjectId()),
    name: Type.String({ minLength: 1, maxLength: 150 }),
    permissions: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*\\.[a-z0-9_]+$' }), { default: [] }),
  }),
  indexes: [{ key: { name: 1 }, unique: true, name: 'name_unique' }],
})

/** Login records (`auth_sessions`): a session is logged in while its record exists. */
export const LoginSession = defineLazyModel('auth:sessions', {
  collection: SESSIONS,
  schema: () => Type.Object({
    _id: Type.String({ minLength: 43, maxLength: 43 }),
    userId: Type.ObjectId(),
    createdAt: Type.Date(),
    expiresAt: Type.Date(),
    ip: Type.String(),
    userAgent: Type.String({ maxLength: 300 }),
  }),
  indexes: [
    { key: { userId: 1 }, name: 'user' },
    { key: { expiresAt: 1 }, expireAfterSeconds: 0, name: 'expiry' },
  ],
})
