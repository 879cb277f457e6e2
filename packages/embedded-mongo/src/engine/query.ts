import type { Document } from 'bson'
import { Query } from 'mingo/query'
import type { SortSpec } from 'mingo/types'
import { compare, resolve } from 'mingo/util'
import { encode } from '../bson/codec.js'
import type { Entry } from './collection.js'
import { CommandError } from './command-error.js'
import { sharedOptions } from './mingo.js'
import { makeProjector } from './projection.js'
import { valueKey } from './values.js'

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

/** Sorts entries with MongoDB's ordering (mingo's comparator, arrays by their min/max element). */
export function sortEntries (entries: Entry[], sort: Document): Entry[] {
  const spec = sortSpec(sort)
  if (Object.keys(spec).length === 0 || entries.length < 2) return entries
  const byObj = new Map(entries.map((e) => [e.obj, e]))
  const sorted = new Query({}, sharedOptions).find(entries.map((e) => e.obj)).sort(spec).all()
  return sorted.map((obj) => byObj.get(obj as Document) as Entry)
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

/** Distinct values of `key` over documents, array elements counted one by one, in sort order. */
export function distinctValues (docs: Iterable<Document>, key: string): unknown[] {
  const seen = new Map<string, unknown>()
  for (const doc of docs) {
    const v = resolve(doc, key)
    if (v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) {
      const k = valueKey(x)
      if (!seen.has(k)) seen.set(k, x)
    }
  }
  return [...seen.values()].sort(compare)
}
