import type { Binary, Document } from 'bson'
import { decodeId, encode, objectIdKey, storedCopy } from '../bson/codec.js'
import { CommandError } from './command-error.js'
import { DECODED_BYTES, DecodedBudget, Entry, LARGE_COLLECTION_BYTES } from './entry.js'
import { duplicateKeyError, Index, type IndexKey } from './indexes.js'
import type { JournalOp } from './journal.js'

export { Entry } from './entry.js'
import { planLookup, type Lookup } from './lookup.js'
import { checkMaxTime, MAX_TIME_EVERY } from './max-time.js'
import { compileFilter, type OperationOptions } from './mingo.js'
import { planOrder } from './order-plan.js'
import { walkOrdered } from './ordered-find.js'
import { OrderedKeys } from './ordered-keys.js'
import { isPlainObject, valueKey } from './values.js'

/** Largest document MongoDB accepts (and this store advertises). */
export const MAX_BSON_SIZE = 16 * 1024 * 1024

/** The implicit `_id` index, as `listIndexes` shows it. */
export const ID_INDEX_SPEC = { v: 2, key: { _id: 1 }, name: '_id_' }

/** A collection: documents by `_id`, its secondary indexes, and the checks writes must pass. */
export class Collection {
  readonly db: string
  name: string
  readonly options: Document
  readonly uuid: Binary
  readonly docs = new Map<string, Entry>()
  readonly indexes = new Map<string, Index>()
  readonly #log: (op: JournalOp) => void
  readonly #decoded = new DecodedBudget()
  // Natural-order positions handed to new documents.
  #seq = 0
  // `_id`s in order, built on the first query sorted or ranged by `_id`, then kept in step.
  #idOrder: OrderedKeys | undefined

  constructor (db: string, name: string, options: Document, uuid: Binary, log: (op: JournalOp) => void) {
    this.db = db
    this.name = name
    this.options = options
    this.uuid = uuid
    this.#log = log
  }

  get ns (): string {
    return `${this.db}.${this.name}`
  }

  /** Inserts a document that already has an `_id`. @throws CommandError on a duplicate key. */
  insert (obj: Document, raw: Uint8Array = encode(obj)): Entry {
    checkDocument(obj, raw)
    const id = valueKey(obj._id)
    if (this.docs.has(id)) throw duplicateKeyError(this.ns, '_id_', { _id: 1 }, { _id: obj._id })
    const keys = this.#checkUnique(id, obj)
    const entry = new Entry(id, storedCopy(raw), obj, this.#decoded, this.#seq++)
    for (const [index, k] of keys) index.add(entry.id, k, entry.seq)
    this.#idOrder?.add([obj._id, entry.seq], id)
    this.docs.set(entry.id, entry)
    this.#log({ op: 'put', ns: this.ns, raw })
    this.#fitDecoded()
    return entry
  }

  /** Replaces a stored document by a new version with the same `_id`. */
  replace (old: Entry, obj: Document, raw: Uint8Array = encode(obj)): Entry {
    checkDocument(obj, raw)
    const keys = this.#checkUnique(old.id, obj)
    for (const [index, k] of keys) {
      const before = index.keysOf(old.obj)
      // Most updates leave the indexed fields alone: a Map delete and set of the same key
      // would only churn the index (and its B+ tree).
      if (index.unchanged(before, k)) continue
      index.remove(old.id, before, old.seq)
      index.add(old.id, k, old.seq)
    }
    old.release(this.#decoded)
    const entry = new Entry(old.id, storedCopy(raw), obj, this.#decoded, old.seq)
    this.docs.set(old.id, entry)
    this.#log({ op: 'put', ns: this.ns, raw })
    return entry
  }

  remove (entry: Entry): void {
    const obj = entry.obj
    for (const index of this.indexes.values()) index.remove(entry.id, index.keysOf(obj), entry.seq)
    this.#idOrder?.delete([obj._id, entry.seq])
    this.docs.delete(entry.id)
    entry.release(this.#decoded)
    this.#log({ op: 'del', ns: this.ns, id: obj._id })
    this.#fitDecoded()
  }

  // Past LARGE_COLLECTION_BYTES the collection keeps no document decoded (one pass, when it
  // crosses); below half of it, new and changed documents are kept decoded again.
  #fitDecoded (): void {
    const budget = this.#decoded
    if (budget.limit > 0 && budget.stored > LARGE_COLLECTION_BYTES) {
      budget.limit = 0
      for (const entry of this.docs.values()) entry.unkeep(budget)
    } else if (budget.limit === 0 && budget.stored < LARGE_COLLECTION_BYTES / 2) {
      budget.limit = DECODED_BYTES
    }
  }

  /**
   * Takes over a document of a collection renamed to this one: its share of the decoded
   * budget and its place in natural order come along (later inserts come after it).
   */
  adopt (entry: Entry): void {
    this.docs.set(entry.id, entry)
    this.#decoded.stored += entry.size
    if (entry.kept) this.#decoded.used += entry.size
    if (entry.seq >= this.#seq) this.#seq = entry.seq + 1
    this.#fitDecoded()
  }

  /** Stores a document read back from disk; indexes are rebuilt once loading is done. */
  load (raw: Uint8Array): void {
    const id = objectIdKey(raw) ?? valueKey(decodeId(raw))
    const old = this.docs.get(id)
    old?.release(this.#decoded)
    // A new version keeps its place in natural order, as the Map keeps the key's.
    this.docs.set(id, new Entry(id, raw, undefined, this.#decoded, old?.seq ?? this.#seq++))
    this.#idOrder = undefined
    this.#fitDecoded()
  }

  /** Removes a document by `_id` while loading from disk. */
  unload (id: unknown): void {
    const key = valueKey(id)
    this.docs.get(key)?.release(this.#decoded)
    this.docs.delete(key)
    this.#idOrder = undefined
  }

  /**
   * The documents matching `filter`, at most `limit` (0: all): in natural order, or in the
   * order of an `_id` lookup's values. An equality the `_id` map or an index answers exactly
   * needs no query at all; one it answers in part narrows the scan. `op` carries the
   * operation's collation and `let` variables.
   */
  find (filter: Document, limit = 0, op?: OperationOptions): Entry[] {
    const lookup = planLookup(filter, this.indexes.values(), op?.collation)
    if (lookup === undefined) {
      // A range or an equality on an index's leading fields walks that part of the index.
      const plan = planOrder(filter, {}, this.indexes.values(), op?.collation)
      if (plan !== undefined) return walkOrdered(this.#orderOf(plan.index), this.docs, plan, filter, limit, op)
      return this.#scan(this.docs.values(), filter, limit, op)
    }
    const found = this.#lookup(lookup)
    if (!lookup.exact || op?.collation !== undefined) return this.#scan(found, filter, limit, op)
    return limit > 0 && found.length > limit ? found.slice(0, limit) : found
  }

  /**
   * The documents matching `filter` in `sort` order, at most `limit` (0: all), read by
   * walking an index (or `_id`) that gives that order; undefined when none does (or `hint`
   * names another), and the caller sorts. Ties come in natural order, as a stable sort gives.
   */
  findSorted (filter: Document, sort: Record<string, number>, limit: number, op?: OperationOptions, hint?: unknown): Entry[] | undefined {
    // An equality lookup finds the few matches faster than any walk; they are sorted after.
    if (hint === undefined && planLookup(filter, this.indexes.values(), op?.collation) !== undefined) return undefined
    const plan = planOrder(filter, sort, this.indexes.values(), op?.collation, hint)
    if (plan === undefined) return undefined
    return walkOrdered(this.#orderOf(plan.index), this.docs, plan, filter, limit, op)
  }

  #orderOf (index: Index | undefined): OrderedKeys {
    if (index !== undefined) return index.ordered(this.docs.values())
    if (this.#idOrder === undefined) {
      const pairs: Array<[unknown[], string]> = []
      for (const entry of this.docs.values()) pairs.push([[entry.decoded ? entry.obj._id : decodeId(entry.raw), entry.seq], entry.id])
      this.#idOrder = new OrderedKeys([1], undefined, pairs)
    }
    return this.#idOrder
  }

  #scan (entries: Iterable<Entry>, filter: Document, limit: number, op?: OperationOptions): Entry[] {
    const query = Object.keys(filter).length > 0 ? compileFilter(filter, op) : null
    const out: Entry[] = []
    let seen = 0
    for (const entry of entries) {
      if ((++seen & MAX_TIME_EVERY) === 0) checkMaxTime()
      if (query !== null && !query.test(entry.peek())) continue
      out.push(entry)
      if (limit > 0 && out.length >= limit) break
    }
    return out
  }

  #lookup ({ values, index }: Lookup): Entry[] {
    if (index !== undefined) return this.#byIds(index.lookup(index.lookupKey(values[0] as unknown[])))
    if (values.length === 1) {
      const entry = this.docs.get(valueKey(values[0]))
      return entry === undefined ? [] : [entry]
    }
    return this.#byIds(new Set(values.map(valueKey)))
  }

  #byIds (ids: Iterable<string>): Entry[] {
    const out: Entry[] = []
    for (const id of ids) {
      const entry = this.docs.get(id)
      if (entry !== undefined) out.push(entry)
    }
    return out
  }

  // Keys per index for a new version of document `id`, after checking every unique index.
  #checkUnique (id: string, obj: Document): Array<[Index, IndexKey[]]> {
    const out: Array<[Index, IndexKey[]]> = []
    for (const index of this.indexes.values()) {
      const keys = index.keysOf(obj)
      const clash = index.conflict(id, keys)
      if (clash !== undefined) throw duplicateKeyError(this.ns, index.name, index.spec.key as Document, clash.values)
      out.push([index, keys])
    }
    return out
  }

  /** Adds an index, refusing it if existing documents break its uniqueness. */
  addIndex (spec: Document): void {
    const index = new Index(spec)
    for (const entry of this.docs.values()) {
      const keys = entry.decoded ? index.keysOf(entry.obj) : index.keysOfStored(entry.raw, () => entry.peek())
      const clash = index.conflict(entry.id, keys)
      if (clash !== undefined) throw duplicateKeyError(this.ns, index.name, spec.key as Document, clash.values)
      index.add(entry.id, keys, entry.seq)
    }
    this.indexes.set(index.name, index)
    this.#log({ op: 'createIndex', ns: this.ns, spec })
  }

  /** Registers an index read back from disk; {@link rebuildIndexes} fills it. */
  loadIndex (spec: Document): void {
    const index = new Index(spec)
    this.indexes.set(index.name, index)
  }

  dropIndex (name: string, log = true): void {
    this.indexes.delete(name)
    if (log) this.#log({ op: 'dropIndex', ns: this.ns, name })
  }

  /** Rebuilds every index from the documents, after loading from disk. */
  rebuildIndexes (): void {
    for (const index of this.indexes.values()) {
      index.clear()
      for (const entry of this.docs.values()) {
        index.add(entry.id, entry.decoded ? index.keysOf(entry.obj) : index.keysOfStored(entry.raw, () => entry.peek()), entry.seq)
      }
    }
  }
}

function checkDocument (obj: Document, raw: Uint8Array): void {
  if (raw.length > MAX_BSON_SIZE) {
    throw new CommandError('BadValue', `object to insert too large. size in bytes: ${raw.length}, max size: ${MAX_BSON_SIZE}`)
  }
  const id: unknown = obj._id
  if (Array.isArray(id)) throw new CommandError('InvalidIdField', 'The \'_id\' value cannot be of type array')
  if (id instanceof RegExp) throw new CommandError('InvalidIdField', 'The \'_id\' value cannot be of type regex')
  if (id === undefined) throw new CommandError('InvalidIdField', 'document is missing an _id field')
  checkIdFields(id)
}

// MongoDB refuses `$`-prefixed field names anywhere inside an `_id` document.
function checkIdFields (v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) checkIdFields(item)
    return
  }
  if (!isPlainObject(v)) return
  for (const [field, value] of Object.entries(v)) {
    if (field.startsWith('$')) throw new CommandError('DollarPrefixedFieldName', `_id fields may not contain '$'-prefixed fields: ${field} is not valid for storage.`)
    checkIdFields(value)
  }
}
