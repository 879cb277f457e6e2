import type { ObjectId } from 'mongodb'
import type { UserDocument } from './collections.js'

/**
 * The user of a request (`req.user`): a logged-in user, or the anonymous user (every flag
 * false, no permission). Frozen; load a fresh one to see changes.
 */
export interface AuthUser {
  readonly isAuthenticated: boolean
  readonly isAnonymous: boolean
  readonly isActive: boolean
  readonly isStaff: boolean
  readonly isSuperuser: boolean
  readonly username: string
  readonly email: string
  /** null for the anonymous user. */
  readonly _id: ObjectId | null
  readonly groups: readonly ObjectId[]
  /** The user's own permissions and those of its groups. */
  readonly permissions: readonly string[]
  readonly lastLogin: Date | null
  readonly dateJoined: Date | null
  /**
   * True when the user has every named permission (`'blog.change_posts'`): an active superuser
   * has them all; otherwise its own and its groups' permissions count.
   */
  hasPerm (...perms: string[]): boolean
  /** True when the user has some permission of app `app` (`perms.blog` in templates). */
  hasModulePerms (app: string): boolean
}

function build (fields: Omit<AuthUser, 'hasPerm' | 'hasModulePerms'>): AuthUser {
  const set = new Set(fields.permissions)
  const all = fields.isActive && fields.isSuperuser
  return Object.freeze({
    ...fields,
    hasPerm: (...perms: string[]) => fields.isActive && (all || perms.every((p) => set.has(p))),
    hasModulePerms: (app: string) => fields.isActive && (all || [...set].some((p) => p.startsWith(`${app}.`))),
  })
}

/** The user of requests where nobody is logged in. */
export const ANONYMOUS_USER: AuthUser = build({
  isAuthenticated: false,
  isAnonymous: true,
  isActive: false,
  isStaff: false,
  isSuperuser: false,
  username: '',
  email: '',
  _id: null,
  groups: Object.freeze([]),
  permissions: Object.freeze([]),
  lastLogin: null,
  dateJoined: null,
})

/** The request-side user of a stored user, with its groups' permissions merged in. */
export function toAuthUser (doc: UserDocument, groupPermissions: readonly string[] = []): AuthUser {
  return build({
    isAuthenticated: true,
    isAnonymous: false,
    isActive: doc.isActive,
    isStaff: doc.isStaff,
    isSuperuser: doc.isSuperuser,
    username: doc.username,
    email: doc.email,
    _id: doc._id,
    groups: Object.freeze([...doc.groups ?? []]),
    permissions: Object.freeze([...new Set([...doc.permissions ?? [], ...groupPermissions])]),
    lastLogin: doc.lastLogin ?? null,
    dateJoined: doc.dateJoined,
  })
}

/**
 * `perms` in templates, as Django's: `{% if perms.blog %}` (some permission of app blog),
 * `{% if perms.blog.change_posts %}`, or `perms.has('blog.change_posts')`. Only own string keys
 * answer; nothing inherited is visible.
 */
export function templatePerms (user: AuthUser): unknown {
  const apps = new Map<string, unknown>()
  const appPerms = (app: string) => {
    if (!apps.has(app)) {
      const target = Object.assign(Object.create(null) as object, { valueOf: () => user.hasModulePerms(app), toString: () => String(user.hasModulePerms(app)) })
      apps.set(app, user.hasModulePerms(app)
        ? new Proxy(target, { get: (t, k) => (typeof k === 'string' && !(k in t) ? user.hasPerm(`${app}.${k}`) : Reflect.get(t, k)) })
        : false)
    }
    return apps.get(app)
  }
  const root = Object.assign(Object.create(null) as object, { has: (perm: string) => user.hasPerm(perm) })
  return new Proxy(root, { get: (t, k) => (typeof k === 'string' && !(k in t) ? appPerms(k) : Reflect.get(t, k)) })
}
