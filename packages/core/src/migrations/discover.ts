import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from 'mongodb'
import { importFile } from '../apps/import-module.js'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'

/** A migration file: `apps/<app>/migrations/NNNN_name.ts`. */
export interface MigrationFile {
  /** `'blog:0001_initial'`: what `tao_migrations` records. */
  readonly name: string
  readonly app: string
  readonly number: number
  readonly file: string
}

/** What a migration gets besides the database. */
export interface MigrationContext {
  /** The migration's name, `'blog:0001_initial'`. */
  name: string
  log: (message: string) => void
}

/** What a migration module exports. */
export interface MigrationModule {
  up: (db: Db, ctx: MigrationContext) => unknown
  down?: (db: Db, ctx: MigrationContext) => unknown
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(ts|js|mjs|mts)$/

/**
 * The migrations of every app, in the order they apply: app order (built-in, project,
 * packages), then number.
 * @throws TAO_ERR_MIGRATION_INVALID when one app has two files with one number.
 */
export function findMigrations (registry: AppRegistry): MigrationFile[] {
  return registry.apps.flatMap((app) => {
    const dir = join(app.modulesDir, 'migrations')
    if (!existsSync(dir)) return []
    const byNumber = new Map<number, MigrationFile>()
    for (const entry of readdirSync(dir).sort()) {
      const m = FILE.exec(entry)
      if (!m || entry.endsWith('.d.ts')) continue
      const number = Number(m[1])
      const name = `${app.name}:${m[1]}_${m[2]}`
      const other = byNumber.get(number)
      if (other && other.name !== name) {
        throw taoError('TAO_ERR_MIGRATION_INVALID', [join(dir, entry), `${other.file} has the number ${m[1]} too; renumber one`], { file: join(dir, entry) })
      }
      if (!other) byNumber.set(number, Object.freeze({ name, app: app.name, number, file: join(dir, entry) }))
    }
    return [...byNumber.values()].sort((a, b) => a.number - b.number)
  })
}

/**
 * Imports a migration and checks its exports.
 * @throws TAO_ERR_MIGRATION_INVALID (no `up` function), TAO_ERR_APP_IMPORT
 */
export async function importMigration (m: MigrationFile): Promise<MigrationModule> {
  let mod: Record<string, unknown>
  try {
    mod = await importFile(m.file)
  } catch (err) {
    throw taoError('TAO_ERR_APP_IMPORT', [m.file, (err as Error).message], { file: m.file }, { cause: err })
  }
  if (typeof mod.up !== 'function') throw taoError('TAO_ERR_MIGRATION_INVALID', [m.file, 'it does not export an up(db) function'], { file: m.file })
  if (mod.down !== undefined && typeof mod.down !== 'function') throw taoError('TAO_ERR_MIGRATION_INVALID', [m.file, 'its down export is not a function'], { file: m.file })
  return mod as unknown as MigrationModule
}
