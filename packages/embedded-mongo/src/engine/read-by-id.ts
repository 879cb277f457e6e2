import type { ObjectId } from 'bson'
import type { Store } from './store.js'
import { valueKey } from './values.js'

// `_id` values compared as a whole by the `_id` map, the same whatever the collation: no
// string here (a collection's default collation could fold its case).
function plainId (id: unknown): boolean {
  if (typeof id === 'number') return Number.isFinite(id)
  if (id instanceof Date) return true
  return typeof id === 'object' && id !== null && (id as Partial<ObjectId>)._bsontype === 'ObjectId'
}

/**
 * What `find` with the filter `{ _id: id }` and limit 1 returns, read in this process without
 * the wire: a copy of the stored BSON bytes (the caller owns them), or null when there is no
 * such document. Undefined when that find needs the full path: a view, a string `_id` on a
 * collection with a default collation, or an `_id` that is not a plain value (an operator,
 * an embedded document, an array).
 */
export function readById (store: Store, db: string, collection: string, id: unknown): Uint8Array | null | undefined {
  const coll = store.collection(db, collection)
  if (coll === undefined) return plainId(id) || typeof id === 'string' ? null : undefined
  if (typeof coll.options.viewOn === 'string') return undefined
  if (!plainId(id) && (typeof id !== 'string' || coll.options.collation !== undefined)) return undefined
  const entry = coll.docs.get(valueKey(id))
  return entry === undefined ? null : Buffer.from(entry.raw)
}
