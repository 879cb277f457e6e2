import type { Document } from 'bson'
import { sameCollation, type Collation } from './collation.js'
import type { Index } from './indexes.js'
import { isPlainObject } from './values.js'

/**
 * How a filter can be answered from the `_id` map or a secondary index. `exact` means the
 * documents found are exactly those matching the filter (it holds nothing else), so no
 * query needs compiling; otherwise they are candidates the filter still has to test.
 */
export interface Lookup {
  /** Values to look up: `_id` values, or one array of field values for `index`. */
  values: unknown[]
  index: Index | undefined
  exact: boolean
}

const NONE = Symbol('no literal')

// A value compared as a whole, by valueKey, the way MongoDB compares `_id`s: everything but
// arrays and regular expressions (which match elements and patterns), and undefined.
function literal (v: unknown): unknown {
  return v === undefined || Array.isArray(v) || v instanceof RegExp ? NONE : v
}

// The operand of `{ $eq: v }` is always literal, even a document with `$` keys.
function eqOperand (cond: Document): unknown {
  const keys = Object.keys(cond)
  return keys.length === 1 && keys[0] === '$eq' ? literal(cond.$eq) : NONE
}

// The `_id` values `cond` matches by equality: `v`, `{ $eq: v }` or `{ $in: [...] }`.
function idValues (cond: unknown): unknown[] | undefined {
  if (!isPlainObject(cond)) {
    const v = literal(cond)
    return v === NONE ? undefined : [v]
  }
  const keys = Object.keys(cond)
  if (keys.length === 1 && keys[0] === '$in') {
    const list: unknown = cond.$in
    return Array.isArray(list) && list.every((v) => literal(v) !== NONE || Array.isArray(v)) ? list : undefined
  }
  const eq = eqOperand(cond)
  if (eq !== NONE) return [eq]
  // A document without operators is an embedded document `_id` compared as a whole.
  return keys.some((k) => k.startsWith('$')) ? undefined : [cond]
}

// A value whose index key is equal to a stored value's exactly when MongoDB's equality
// matches it, arrays included (an indexed array holds one key per element).
function isIndexScalar (v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return true
  const type = typeof v === 'object' && v !== null ? (v as { _bsontype?: unknown })._bsontype : undefined
  return type === 'ObjectId' || type === 'Long'
}

// The value of an equality condition an index lookup can narrow by.
function indexValue (cond: unknown): unknown {
  const v = isPlainObject(cond) ? eqOperand(cond) : literal(cond)
  return v !== NONE && (typeof v !== 'object' || v === null || v instanceof Date || '_bsontype' in v) ? v : NONE
}

// Whether a value holds strings, which compare differently under another collation.
function hasStrings (v: unknown): boolean {
  if (typeof v === 'string') return true
  if (Array.isArray(v)) return v.some(hasStrings)
  return isPlainObject(v) && Object.values(v).some(hasStrings)
}

/**
 * Plans the lookup for `filter`, or returns undefined when the collection must be scanned.
 * `_id` equality (and `$in`) uses the `_id` map; equality on every field of a complete
 * index (not sparse, not partial) uses that index. As in MongoDB, an index serves string
 * values only to a query with the same collation (the `_id` map has the simple one).
 */
export function planLookup (filter: Document, indexes: Iterable<Index>, collation?: Collation): Lookup | undefined {
  const fields = Object.keys(filter)
  if ('_id' in filter) {
    const values = idValues(filter._id)
    if (values !== undefined && (collation === undefined || !values.some(hasStrings))) return { values, index: undefined, exact: fields.length === 1 }
  }
  for (const index of indexes) {
    if (!index.complete) continue
    const values = index.fields.map((f) => indexValue(filter[f]))
    if (values.some((v) => v === NONE)) continue
    if (!sameCollation(index.collation, collation) && values.some(hasStrings)) continue
    // Dotted paths, null (which also matches missing fields) and collations keep the full test.
    const exact = fields.length === index.fields.length && index.fields.every((f) => !f.includes('.')) &&
      index.spec.collation === undefined && values.every(isIndexScalar)
    return { values: [values], index, exact }
  }
  return undefined
}
