import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Db } from 'mongodb'
import { taoError } from '../errors/index.js'

/** The collection holding the one migration lock of a database. */
export const LOCK_COLLECTION = 'tao_migrations_lock'
const LOCK_ID = 'migrate'

interface LockDoc {
  _id: string
  owner: string
  expiresAt: Date
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** How long to wait for another run to finish (ms, default 120 s). */
  wait?: number
  /** A lock not renewed for this long was left by a dead process and is taken over (ms, default 30 s). */
  ttl?: number
}

/** A held lock: renewed in the background until released. */
export interface HeldLock {
  readonly owner: string
  release: () => Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Takes the database's migration lock: one document with a fixed `_id`, so MongoDB's unique
 * `_id` lets exactly one inserter win across every machine. The holder renews it; a holder
 * that died is replaced once its lease runs out.
 * @throws TAO_ERR_MIGRATION_LOCKED when another run holds it for longer than `wait`.
 */
export async function acquireLock (db: Db, opts: LockOptions = {}): Promise<HeldLock> {
  const ttl = opts.ttl ?? 30_000
  const deadline = Date.now() + (opts.wait ?? 120_000)
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const locks = db.collection<LockDoc>(LOCK_COLLECTION)
  for (;;) {
    const expiresAt = new Date(Date.now() + ttl)
    try {
      await locks.insertOne({ _id: LOCK_ID, owner, expiresAt })
      break
    } catch (err) {
      if ((err as { code?: unknown }).code !== 11000) throw err
    }
    // Held: take it over only if its holder stopped renewing it.
    const stale = await locks.findOneAndUpdate({ _id: LOCK_ID, expiresAt: { $lt: new Date() } }, { $set: { owner, expiresAt } })
    if (stale) break
    if (Date.now() > deadline) {
      const holder = await locks.findOne({ _id: LOCK_ID })
      throw taoError('TAO_ERR_MIGRATION_LOCKED', [holder?.owner ?? 'another run', Math.round((opts.wait ?? 120_000) / 1000)])
    }
    await sleep(100 + Math.random() * 150)
  }
  const renew = setInterval(() => {
    locks.updateOne({ _id: LOCK_ID, owner }, { $set: { expiresAt: new Date(Date.now() + ttl) } }).catch(() => {})
  }, Math.max(ttl / 3, 50))
  renew.unref()
  return {
    owner,
    release: async () => {
      clearInterval(renew)
      await locks.deleteOne({ _id: LOCK_ID, owner })
    },
  }
}
