import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Collection, Db } from 'mongodb'

/** The document that says who runs a `once` service: one per service, `_id` = 'app:name'. */
export interface LeaseDoc {
  _id: string
  /** Who holds it: host, pid and a random part (a pid can be reused). */
  holder: string
  /** When it lapses unless renewed. */
  expiresAt: Date
  host: string
  pid: number
  acquiredAt: Date
}

/** The collection holding the leases of `once` services. */
export const LEASE_COLLECTION = 'tao_leases'

/** An identity unique to this process among all processes sharing the database. */
export function holderId (): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
}

const isDuplicateKey = (err: unknown): boolean => (err as { code?: unknown }).code === 11000

/**
 * A lease in MongoDB that at most one process holds at a time. The holder renews it well before
 * it lapses; when the holder dies, the lease lapses after `ttl` and another process takes it.
 * Holders compare expiry times with their own clocks: keep the machines' clocks in sync (NTP).
 */
export class Lease {
  readonly name: string
  readonly holder: string
  readonly ttl: number
  readonly #db: () => Db

  /** `db` may be a getter: the app's client is replaced when the database comes back after an outage. */
  constructor (db: Db | (() => Db), name: string, holder: string, ttl: number) {
    this.#db = typeof db === 'function' ? db : () => db
    this.name = name
    this.holder = holder
    this.ttl = ttl
  }

  get #leases (): Collection<LeaseDoc> {
    return this.#db().collection<LeaseDoc>(LEASE_COLLECTION)
  }

  /** Takes the lease if it is free, lapsed or already ours. Resolves true when we hold it. */
  async acquire (): Promise<boolean> {
    const now = new Date()
    try {
      const doc = await this.#leases.findOneAndUpdate(
        { _id: this.name, $or: [{ holder: this.holder }, { expiresAt: { $lte: now } }] },
        { $set: { holder: this.holder, expiresAt: new Date(now.getTime() + this.ttl), host: hostname(), pid: process.pid, acquiredAt: now } },
        { upsert: true, returnDocument: 'after' }
      )
      return doc?.holder === this.holder
    } catch (err) {
      // Someone else holds a live lease: the upsert collided with their document.
      if (isDuplicateKey(err)) return false
      throw err
    }
  }

  /** Extends our lease. Resolves false when it is no longer ours (it lapsed and was taken). */
  async renew (): Promise<boolean> {
    const res = await this.#leases.updateOne(
      { _id: this.name, holder: this.holder },
      { $set: { expiresAt: new Date(Date.now() + this.ttl) } }
    )
    return res.matchedCount === 1
  }

  /** Gives the lease up (if ours), so another process can take over at once. */
  async release (): Promise<void> {
    await this.#leases.deleteOne({ _id: this.name, holder: this.holder })
  }

  /** The current holder's document, if any. */
  async current (): Promise<LeaseDoc | null> {
    return await this.#leases.findOne({ _id: this.name })
  }
}
