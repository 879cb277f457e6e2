import type { Document } from 'bson'
import type { Query } from 'mingo/query'
import { decodeFields } from '../bson/codec.js'
import { collatedKey, storedCollation, type Collation } from './collation.js'
import { CommandError } from './command-error.js'
import type { Entry } from './entry.js'
import { compileFilter } from './mingo.js'
import { OrderedKeys, type OrderedKey } from './ordered-keys.js'
import { formatDocument, hasPath, pathValues } from './values.js'

/** One key of a document in an index: the lookup string and the field values it came from. */
export interface IndexKey {
  key: string
  values: Document
}

/** The conventional name MongoDB gives an index, e.g. `name_1_age_-1`. */
export function defaultIndexName (key: Document): string {
  return Object.entries(key).map(([field, dir]) => `${field}_${String(dir)}`).join('_')
}

const SEPARATOR = '\u0001'

/**
 * A secondary index: its spec as listed by `listIndexes`, and a map from key to document
 * ids. Unique indexes reject a second document with the same key; all indexes serve
 * equality lookups on their full key, so such queries do not scan the collection.
 */
export class Index {
  readonly spec: Document
  readonly name: string
  readonly fields: string[]
  readonly unique: boolean
  readonly sparse: boolean
  /** Strings are keyed as this collation folds them; undefined: the simple collation. */
  readonly collation: Collation | undefined
  readonly #partial: Query | null
  // The top-level fields the keys come from, to read only those from stored bytes.
  readonly #topNames: Uint8Array[]
  // One id per key in the common case; a Set only when several documents share a key.
  readonly #map = new Map<string, string | Set<string>>()
  /** Direction of each field, 1 or -1. */
  readonly directions: number[]
  // The keys in index order, built on the first query that needs order, then kept in step.
  #ordered: OrderedKeys | undefined
  // Documents holding an array in an indexed field: while any does, the index gives no order.
  #multikeyDocs = 0

  constructor (spec: Document) {
    this.spec = spec
    this.name = String(spec.name)
    this.fields = Object.keys(spec.key as Document)
    this.directions = Object.values(spec.key as Document).map((d) => typeof d === 'number' && d < 0 ? -1 : 1)
    this.unique = spec.unique === true
    this.sparse = spec.sparse === true
    this.collation = storedCollation(spec.collation)
    this.#partial = isDocument(spec.partialFilterExpression) ? compileFilter(spec.partialFilterExpression, { collation: this.collation }) : null
    this.#topNames = [...new Set(this.fields.map((f) => f.split('.')[0] as string))].map((f) => Buffer.from(f, 'utf8'))
  }

  /**
   * The keys of a stored document from its bytes, decoding only the indexed fields (all of
   * it when a partial filter must be tested).
   */
  keysOfStored (raw: Uint8Array, decoded: () => Document, lookup = true): IndexKey[] {
    const doc = this.#partial === null ? decodeFields(raw, this.#topNames) : undefined
    return this.keysOf(doc ?? decoded(), lookup)
  }

  /** Whether equality lookups on all fields can be answered from the map alone. */
  get complete (): boolean {
    return !this.sparse && this.#partial === null
  }

  /**
   * The keys of `doc` in this index (several for arrays), none if sparse/partial excludes it.
   * Without `lookup`, only the values: the ordered keys need no lookup strings, and an equal
   * pair of values twice is the same ordered key.
   */
  keysOf (doc: Document, lookup = true): IndexKey[] {
    if (this.#partial !== null && !this.#partial.test(doc)) return []
    // A sparse index holds documents having at least one of its fields, null or not.
    if (this.sparse && !this.fields.some((f) => hasPath(doc, f))) return []
    let keys: IndexKey[] = [{ key: '', values: {} }]
    for (const field of this.fields) {
      const values = pathValues(doc, field)
      const next: IndexKey[] = []
      for (const k of keys) {
        for (const v of values) {
          const key = lookup ? collatedKey(v, this.collation) : ''
          next.push({ key: k.key === '' ? key : k.key + SEPARATOR + key, values: { ...k.values, [field]: v } })
        }
      }
      keys = next
    }
    if (!lookup) return keys
    const seen = new Set<string>()
    return keys.filter((k) => !seen.has(k.key) && seen.add(k.key))
  }

  /** The lookup string for an equality query giving one value per field. */
  lookupKey (values: unknown[]): string {
    return values.map((v) => collatedKey(v, this.collation)).join(SEPARATOR)
  }

  /** Ids of the documents holding `key`. */
  lookup (key: string): string[] {
    const hit = this.#map.get(key)
    if (hit === undefined) return []
    return typeof hit === 'string' ? [hit] : [...hit]
  }

  /** For a unique index, the first key of `doc` already held by another document. */
  conflict (id: string, keys: IndexKey[]): IndexKey | undefined {
    if (!this.unique) return undefined
    return keys.find((k) => {
      const hit = this.#map.get(k.key)
      return hit !== undefined && hit !== id
    })
  }

  /** Whether some document holds an array in an indexed field, so the index cannot give a sort order. */
  get multikey (): boolean {
    return this.#multikeyDocs > 0
  }

  /**
   * The index's keys in order, built from `entries` on first use (an index nobody sorts by
   * costs no memory for it), then maintained by {@link add} and {@link remove}.
   */
  ordered (entries: Iterable<Entry>): OrderedKeys {
    if (this.#ordered !== undefined) return this.#ordered
    const pairs: Array<[OrderedKey, string]> = []
    for (const entry of entries) {
      const keys = entry.decoded ? this.keysOf(entry.obj, false) : this.keysOfStored(entry.raw, () => entry.peek(), false)
      for (const k of keys) pairs.push([this.#orderedKey(k, entry.seq), entry.id])
    }
    this.#ordered = new OrderedKeys(this.directions, this.collation?.compare, pairs)
    return this.#ordered
  }

  #orderedKey (k: IndexKey, seq: number): OrderedKey {
    const key: OrderedKey = this.fields.map((f) => k.values[f])
    key.push(seq)
    return key
  }

  /**
   * Whether a document's keys before and after a change are the same single key with no
   * array in it, so the index needs no change. Not under a collation, where equal keys can
   * stand for different values, which the B+ tree keeps.
   */
  unchanged (before: IndexKey[], after: IndexKey[]): boolean {
    const [a] = before
    const [b] = after
    return this.collation === undefined && before.length === 1 && after.length === 1 && a?.key === b?.key &&
      !isMultikey(before) && !isMultikey(after)
  }

  add (id: string, keys: IndexKey[], seq: number): void {
    if (isMultikey(keys)) this.#multikeyDocs++
    if (this.#ordered !== undefined) for (const k of keys) this.#ordered.add(this.#orderedKey(k, seq), id)
    for (const { key } of keys) {
      const hit = this.#map.get(key)
      if (hit === undefined) this.#map.set(key, id)
      else if (typeof hit === 'string') { if (hit !== id) this.#map.set(key, new Set([hit, id])) } else hit.add(id)
    }
  }

  remove (id: string, keys: IndexKey[], seq: number): void {
    if (isMultikey(keys)) this.#multikeyDocs--
    if (this.#ordered !== undefined) for (const k of keys) this.#ordered.delete(this.#orderedKey(k, seq))
    for (const { key } of keys) {
      const hit = this.#map.get(key)
      if (hit === id) this.#map.delete(key)
      else if (typeof hit === 'object') {
        hit.delete(id)
        if (hit.size === 1) this.#map.set(key, hit.values().next().value as string)
      }
    }
  }

  clear (): void {
    this.#map.clear()
    this.#ordered = undefined
    this.#multikeyDocs = 0
  }
}

// Several keys, or an array (empty, or nested) as a key value: the document sorts by its
// smallest or largest element, which one walk of the index cannot give for both directions.
function isMultikey (keys: IndexKey[]): boolean {
  return keys.length > 1 || keys.some((k) => Object.values(k.values).some(Array.isArray))
}

function isDocument (v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The E11000 error MongoDB reports, message shape included. */
export function duplicateKeyError (ns: string, index: string, keyPattern: Document, keyValue: Document): CommandError {
  return new CommandError('DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${index} dup key: ${formatDocument(keyValue)}`,
    { keyPattern, keyValue })
}
