import type { Db } from 'mongodb'
import { THROTTLE, type ThrottleDocument } from './collections.js'

/** A counter of failures in a fixed window. */
export interface AttemptCount {
  count: number
  resetAt: Date
}

/**
 * Where failed-login counters live, shared by every worker. tao ships the MongoDB store below;
 * a Redis store (INCR + PEXPIRE) can implement the same three methods.
 */
export interface AttemptStore {
  /** The live counter of `key`, or null. */
  peek (key: string): Promise<AttemptCount | null>
  /** Adds one failure to `key`, starting a window of `windowMs` when none is live. */
  hit (key: string, windowMs: number): Promise<AttemptCount>
  /** Forgets `key` (after a successful login). */
  clear (key: string): Promise<void>
}

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000

/** Counters in the `auth_throttle` collection (a TTL index removes expired ones). */
export function mongoAttemptStore (db: () => Db): AttemptStore {
  const col = () => db().collection<ThrottleDocument>(THROTTLE)
  return {
    async peek (key) {
      const doc = await col().findOne({ _id: key, expiresAt: { $gt: new Date() } })
      return doc === null ? null : { count: doc.count, resetAt: doc.expiresAt }
    },
    async hit (key, windowMs) {
      for (let attempt = 0; ; attempt++) {
        const now = new Date()
        const live = await col().findOneAndUpdate({ _id: key, expiresAt: { $gt: now } }, { $inc: { count: 1 } }, { returnDocument: 'after' })
        if (live !== null) return { count: live.count, resetAt: live.expiresAt }
        // No live window: start one (replacing an expired counter the TTL monitor has not
        // removed yet). A worker that started it first makes this a duplicate: count there.
        const resetAt = new Date(now.getTime() + windowMs)
        try {
          await col().updateOne({ _id: key, expiresAt: { $lte: now } }, { $set: { count: 1, expiresAt: resetAt } }, { upsert: true })
          return { count: 1, resetAt }
        } catch (err) {
          if (!isDuplicate(err) || attempt > 2) throw err
        }
      }
    },
    async clear (key) {
      await col().deleteOne({ _id: key })
    },
  }
}

/** The seconds until the first of `counts` at or above `limit` resets, or 0 when none is. */
export function blockedFor (counts: readonly (AttemptCount | null)[], limit: number, now = Date.now()): number {
  if (limit === 0) return 0
  const blocked = counts.filter((c): c is AttemptCount => c !== null && c.count >= limit)
  if (blocked.length === 0) return 0
  return Math.max(1, Math.ceil((Math.max(...blocked.map((c) => c.resetAt.getTime())) - now) / 1000))
}
