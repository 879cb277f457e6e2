import type { Document } from 'bson'
import { debug } from '../debug.js'
import type { Collection } from './collection.js'
import type { Index } from './indexes.js'
import type { Store } from './store.js'
import { pathValues } from './values.js'

/** MongoDB's default pause between two TTL passes. */
export const DEFAULT_TTL_SLEEP_SECS = 60

/** The expiry of `doc` under a TTL index on `field`, in ms since the epoch, or undefined if it never expires. */
export function expiresAt (doc: Document, field: string, expireAfterSeconds: number): number | undefined {
  // An array expires with its earliest date; values that are not dates never expire.
  let earliest = Infinity
  for (const v of pathValues(doc, field)) if (v instanceof Date && v.getTime() < earliest) earliest = v.getTime()
  return earliest === Infinity ? undefined : earliest + expireAfterSeconds * 1000
}

// MongoDB honours expireAfterSeconds on single-field indexes only (not on _id, not compound).
function ttlOf (index: Index): number | undefined {
  const seconds: unknown = index.spec.expireAfterSeconds
  const value = typeof seconds === 'number' ? seconds : typeof seconds === 'object' && seconds !== null ? Number(seconds) : NaN
  return index.fields.length === 1 && Number.isFinite(value) && value >= 0 ? value : undefined
}

/**
 * The TTL monitor: every `ttlMonitorSleepSecs` it deletes the documents whose indexed date
 * plus the index's `expireAfterSeconds` has passed, as mongod's TTLMonitor thread does.
 * Deletions are journaled like any other; `afterPass` lets the server flush them.
 */
export class TtlMonitor {
  readonly #store: Store
  readonly #afterPass: () => void
  #sleepSecs: number
  #enabled = true
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor (store: Store, sleepSecs: number, afterPass: () => void) {
    this.#store = store
    this.#sleepSecs = sleepSecs
    this.#afterPass = afterPass
    this.#arm()
  }

  get sleepSecs (): number {
    return this.#sleepSecs
  }

  /** Changes the pause between passes (`setParameter: { ttlMonitorSleepSecs }`); the next pass is rescheduled. */
  set sleepSecs (secs: number) {
    this.#sleepSecs = secs
    this.#arm()
  }

  get enabled (): boolean {
    return this.#enabled
  }

  /** Turns passes off and on (`setParameter: { ttlMonitorEnabled }`). */
  set enabled (on: boolean) {
    this.#enabled = on
  }

  /** Deletes every expired document now; returns how many. */
  pass (now = Date.now()): number {
    let deleted = 0
    for (const db of this.#store.databases()) {
      for (const coll of this.#store.collections(db)) deleted += expire(coll, now)
    }
    if (deleted > 0) {
      debug('ttl: deleted %d expired documents', deleted)
      this.#afterPass()
    }
    return deleted
  }

  close (): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }

  #arm (): void {
    clearTimeout(this.#timer)
    if (this.#closed) return
    this.#timer = setTimeout(() => {
      try {
        if (this.#enabled) this.pass()
      } catch (err) {
        // A failed pass (e.g. the journal cannot be written) is retried at the next one.
        debug('ttl pass failed: %s', (err as Error).message)
      }
      this.#arm()
    }, this.#sleepSecs * 1000).unref()
  }
}

function expire (coll: Collection, now: number): number {
  const ttls: Array<[Index, string, number]> = []
  for (const index of coll.indexes.values()) {
    const seconds = ttlOf(index)
    if (seconds !== undefined) ttls.push([index, index.fields[0] as string, seconds])
  }
  if (ttls.length === 0) return 0
  const expired = []
  for (const entry of coll.docs.values()) {
    const doc = entry.peek()
    for (const [index, field, seconds] of ttls) {
      // A sparse or partial TTL index only expires the documents it holds.
      if (!index.complete && index.keysOf(doc).length === 0) continue
      const at = expiresAt(doc, field, seconds)
      if (at !== undefined && at <= now) { expired.push(entry); break }
    }
  }
  for (const entry of expired) coll.remove(entry)
  return expired.length
}
