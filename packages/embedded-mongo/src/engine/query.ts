import type { Document } from 'bson'
import type { SortSpec } from 'mingo/types'
import { resolve } from 'mingo/util'
import { encode } from '../bson/codec.js'
import { collatedKey, type Collation } from './collation.js'
import type { Entry } from './collection.js'
import { CommandError } from './command-error.js'
import { compareValues } from './compare.js'
import { sortDocuments } from './operators.js'
import { makeProjector } from './projection.js'

/** Normalises a sort document to mingo's `{ field: 1 | -1 }`. */
export function sortSpec (sort: Document): SortSpec {
  const out: SortSpec = {}
  for (const [field, dir] of Object.entries(sort)) {
    if (typeof dir !== 'number' || dir === 0) {
      throw new CommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending) but got ${JSON.stringify(dir)} for field '${field}'`)
    }
    out[field] = dir > 0 ? 1 : -1
  }
  return out
}

/** Sorts entries in MongoDB's BSON order (arrays by their min/max element), strings under `collation`. */
export function sortEntries (entries: Entry[], sort: Document, collation?: Collation): Entry[] {
  const spec = sortSpec(sort)
  if (Object.keys(spec).length === 0 || entries.length < 2) return entries
  return sortDocuments(entries, spec, collation?.compare, (e) => e.obj)
}

/** A cursor encoder for stored entries: their stored bytes, or the projection of them. */
export function entryEncoder (filter: Document, projection: Document | undefined): (items: Entry[]) => Uint8Array[] {
  const project = makeProjector(filter, projection)
  if (project === undefined) return (items) => items.map((e) => e.raw)
  return (items) => project(items.map((e) => e.obj)).map(encode)
}

/** A cursor encoder for computed documents. */
export function documentEncoder (items: Document[]): Uint8Array[] {
  return items.map(encode)
}

/**
 * Distinct values of `key` over documents, array elements counted one by one, in BSON
 * order; strings a collation calls equal count once (the first one seen is returned).
 */
export function distinctValues (docs: Iterable<Document>, key: string, collation?: Collation): unknown[] {
  const seen = new Map<string, unknown>()
  for (const doc of docs) {
    const v = resolve(doc, key)
    if (v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) {
      const k = collatedKey(x, collation)
      if (!seen.has(k)) seen.set(k, x)
    }
  }
  return [...seen.values()].sort((a, b) => compareValues(a, b, collation?.compare))
}
