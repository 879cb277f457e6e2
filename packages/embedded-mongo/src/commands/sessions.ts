import { createHash } from 'node:crypto'
import { Binary, type Document } from 'bson'
import { decode, ownBytes } from '../bson/codec.js'
import type { Store } from '../engine/store.js'
import { isPlainObject } from '../engine/values.js'

// Without authentication MongoDB's session uid is the SHA-256 of the empty user name.
const NO_USER = new Binary(createHash('sha256').update('').digest(), 0)

// lastUse in milliseconds: a Date is made only when sessions are listed.
interface Session { id: Binary, lastUse: number }

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
    if (seen !== undefined) seen.lastUse = Date.now()
    else this.#sessions.set(key, { id: lsid.id, lastUse: Date.now() })
  }

  /**
   * Records the session of a command from its encoded `lsid`, `bytes[start..end)` (the
   * connection does not decode it): a session already seen is found by its id bytes without
   * decoding anything.
   */
  touchEncoded (bytes: Buffer, start: number, end: number): void {
    // { id: <binary of 16 bytes> }: size, type 5, 'id', length 16, subtype, the 16 bytes.
    const at = start
    if (end - start === 30 && bytes[at + 4] === 5 && bytes[at + 5] === 0x69 && bytes[at + 6] === 0x64 && bytes[at + 7] === 0 && bytes[at + 8] === 16 && bytes[at + 9] === 0 && bytes[at + 10] === 0 && bytes[at + 11] === 0) {
      const seen = this.#sessions.get(bytes.toString('hex', at + 13, at + 29))
      if (seen !== undefined) {
        seen.lastUse = Date.now()
        return
      }
    }
    // A copy: bson decodes the id as a view of the bytes, which would keep the whole message
    // (an insert of megabytes) in memory for as long as the session is listed.
    this.touch(decode(ownBytes(bytes.subarray(start, end))))
  }

  end (ids: unknown): void {
    if (!Array.isArray(ids)) return
    for (const lsid of ids) if (isPlainObject(lsid) && lsid.id instanceof Binary) this.#sessions.delete(lsid.id.toString('hex'))
  }

  /** The documents `$listLocalSessions` yields. */
  list (_spec: unknown): Document[] {
    return [...this.#sessions.values()].map((s) => ({ _id: { id: s.id, uid: NO_USER }, lastUse: new Date(s.lastUse) }))
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
