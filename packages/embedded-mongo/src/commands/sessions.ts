import { createHash } from 'node:crypto'
import { Binary, type Document } from 'bson'
import type { Store } from '../engine/store.js'
import { isPlainObject } from '../engine/values.js'

// Without authentication MongoDB's session uid is the SHA-256 of the empty user name.
const NO_USER = new Binary(createHash('sha256').update('').digest(), 0)

interface Session { id: Binary, lastUse: Date }

/**
 * The logical sessions a server has seen (the `lsid` of each command), as `$listLocalSessions`
 * lists them; `endSessions` forgets them. One registry per store.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>()

  /** Records the session of a command, if it carries one. */
  touch (lsid: unknown): void {
    if (!isPlainObject(lsid) || !(lsid.id instanceof Binary)) return
    const key = lsid.id.toString('hex')
    const seen = this.#sessions.get(key)
    if (seen !== undefined) seen.lastUse = new Date()
    else this.#sessions.set(key, { id: lsid.id, lastUse: new Date() })
  }

  end (ids: unknown): void {
    if (!Array.isArray(ids)) return
    for (const lsid of ids) if (isPlainObject(lsid) && lsid.id instanceof Binary) this.#sessions.delete(lsid.id.toString('hex'))
  }

  /** The documents `$listLocalSessions` yields. */
  list (_spec: unknown): Document[] {
    return [...this.#sessions.values()].map((s) => ({ _id: { id: s.id, uid: NO_USER }, lastUse: s.lastUse }))
  }
}

const registries = new WeakMap<Store, SessionRegistry>()

/** The session registry of a store. */
export function sessionsOf (store: Store): SessionRegistry {
  let registry = registries.get(store)
  if (registry === undefined) {
    registry = new SessionRegistry()
    registries.set(store, registry)
  }
  return registry
}
