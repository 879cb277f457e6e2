import type { Db } from 'mongodb'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import type { Model } from '../models/index.js'
import { findMigrations, importMigration, type MigrationFile } from './discover.js'
import { syncIndexes, type IndexReport } from './indexes.js'
import { acquireLock, type LockOptions } from './lock.js'

/** The collection recording applied migrations, one document per migration. */
export const MIGRATIONS_COLLECTION = 'tao_migrations'

interface AppliedDoc {
  _id: string
  app: string
  appliedAt: Date
}

/** What `migrate()` needs: a TaoApp has all of it. */
export interface MigrateTarget {
  readonly db: Db
  readonly registry: AppRegistry
  readonly models: ReadonlyMap<string, Model>
}

/** A migration and whether it has run. */
export interface MigrationStatus extends MigrationFile {
  appliedAt: Date | null
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Drop indexes that no model declares any more. */
  prune?: boolean
  lock?: LockOptions
  /** Told of each step ("applying blog:0001_initial"). */
  log?: (message: string) => void
}

/** What a migrate run did. */
export interface MigrateReport {
  applied: string[]
  indexes: IndexReport
}

/** Every migration of the project with when it was applied (null: pending), in order. */
export async function listMigrations (target: MigrateTarget): Promise<MigrationStatus[]> {
  const files = findMigrations(target.registry)
  const applied = new Map((await target.db.collection<AppliedDoc>(MIGRATIONS_COLLECTION).find({}).toArray()).map((d) => [d._id, d.appliedAt]))
  return files.map((f) => ({ ...f, appliedAt: applied.get(f.name) ?? null }))
}

/** The names of the migrations not applied yet. */
export async function pendingMigrations (target: MigrateTarget): Promise<string[]> {
  return (await listMigrations(target)).filter((m) => m.appliedAt === null).map((m) => m.name)
}

/**
 * Applies the pending migrations in order under the database's migration lock (so two
 * machines never run one twice: the second waits, then finds nothing pending), records
 * each in `tao_migrations`, then creates the indexes the models declare.
 *   1. take the lock (waiting for another run to finish);
 *   2. read what is applied, inside the lock;
 *   3. run each pending `up(db)`, recording it at once; stop at the first failure;
 *   4. sync the models' indexes (drop undeclared ones only with `prune`);
 *   5. release the lock, whatever happened.
 * @throws TAO_ERR_MIGRATION_FAILED naming the migration and its file (the ones before it
 *   stay applied), TAO_ERR_MIGRATION_LOCKED, TAO_ERR_MIGRATION_INVALID, TAO_ERR_MIGRATION_INDEX
 */
export async function migrate (target: MigrateTarget, opts: MigrateOptions = {}): Promise<MigrateReport> {
  const log = opts.log ?? (() => {})
  const { db } = target
  const lock = await acquireLock(db, opts.lock)
  try {
    const applied: string[] = []
    const records = db.collection<AppliedDoc>(MIGRATIONS_COLLECTION)
    for (const m of (await listMigrations(target)).filter((s) => s.appliedAt === null)) {
      const mod = await importMigration(m)
      log(`applying ${m.name}`)
      try {
        await mod.up(db, { name: m.name, log })
      } catch (err) {
        throw taoError('TAO_ERR_MIGRATION_FAILED', [m.name, m.file, (err as Error)?.message ?? String(err)], { file: m.file, migration: m.name }, { cause: err })
      }
      await records.insertOne({ _id: m.name, app: m.app, appliedAt: new Date() })
      applied.push(m.name)
    }
    const indexes = await syncIndexes(db, target.models.values(), { prune: opts.prune })
    return { applied, indexes }
  } finally {
    await lock.release()
  }
}

/**
 * Reverts the last applied migration with its `down(db)`, under the lock.
 * @throws TAO_ERR_MIGRATION_INVALID when it has no `down`, TAO_ERR_MIGRATION_FAILED
 */
export async function rollback (target: MigrateTarget, opts: Pick<MigrateOptions, 'lock' | 'log'> = {}): Promise<string | null> {
  const lock = await acquireLock(target.db, opts.lock)
  try {
    const last = (await listMigrations(target)).filter((m) => m.appliedAt !== null).sort((a, b) => a.appliedAt!.getTime() - b.appliedAt!.getTime()).pop()
    if (!last) return null
    const mod = await importMigration(last)
    if (!mod.down) throw taoError('TAO_ERR_MIGRATION_INVALID', [last.file, 'it has no down(db) to revert it with'], { file: last.file })
    opts.log?.(`reverting ${last.name}`)
    try {
      await mod.down(target.db, { name: last.name, log: opts.log ?? (() => {}) })
    } catch (err) {
      throw taoError('TAO_ERR_MIGRATION_FAILED', [last.name, last.file, (err as Error)?.message ?? String(err)], { file: last.file, migration: last.name }, { cause: err })
    }
    await target.db.collection<AppliedDoc>(MIGRATIONS_COLLECTION).deleteOne({ _id: last.name })
    return last.name
  } finally {
    await lock.release()
  }
}
