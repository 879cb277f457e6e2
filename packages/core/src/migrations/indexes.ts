import type { CreateIndexesOptions, Db } from 'mongodb'
import { taoError } from '../errors/index.js'
import { defaultIndexName, type Model } from '../models/index.js'

/** What an index sync did: `'blog:posts.slug_1'` names. */
export interface IndexReport {
  /** Declared indexes created (or already there with the same definition). */
  ensured: string[]
  /** Indexes on a model's collection that no model declares (any more). */
  undeclared: string[]
  /** Of those, the ones dropped (`prune`). */
  dropped: string[]
}

function optionsOf (index: Model['indexes'][number]): CreateIndexesOptions {
  const { key: _key, ...rest } = index
  return { ...rest, name: index.name ?? defaultIndexName(index.key) }
}

async function existingNames (db: Db, collection: string): Promise<string[]> {
  try {
    return (await db.collection(collection).listIndexes().toArray()).map((i) => String(i.name))
  } catch (err) {
    // NamespaceNotFound: the collection does not exist yet, so it has no index.
    if ((err as { code?: unknown }).code === 26) return []
    throw err
  }
}

/**
 * Creates every index the models declare, and reports (with `prune`: drops) the indexes of
 * their collections that none declares. `_id_` is never touched; neither are collections
 * that no model names.
 * @throws TAO_ERR_MIGRATION_INDEX when MongoDB refuses an index (an index of that name with
 *   other options, or duplicates under a new unique index).
 */
export async function syncIndexes (db: Db, models: Iterable<Model>, opts: { prune?: boolean } = {}): Promise<IndexReport> {
  const report: IndexReport = { ensured: [], undeclared: [], dropped: [] }
  for (const model of models) {
    const declared = new Set<string>()
    for (const index of model.indexes) {
      const options = optionsOf(index)
      declared.add(options.name!)
      try {
        await db.collection(model.collectionName).createIndex(index.key, options)
      } catch (err) {
        throw taoError('TAO_ERR_MIGRATION_INDEX', [`${model.name}.${options.name!}`, (err as Error).message], { model: model.name }, { cause: err })
      }
      report.ensured.push(`${model.name}.${options.name!}`)
    }
    for (const name of await existingNames(db, model.collectionName)) {
      if (name === '_id_' || declared.has(name)) continue
      report.undeclared.push(`${model.name}.${name}`)
      if (opts.prune) {
        await db.collection(model.collectionName).dropIndex(name)
        report.dropped.push(`${model.name}.${name}`)
      }
    }
  }
  return report
}
