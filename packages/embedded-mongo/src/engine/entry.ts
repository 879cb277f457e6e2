import type { Document } from 'bson'
import { decode } from '../bson/codec.js'

/**
 * Bytes of documents a collection keeps decoded. Past it, documents are kept encoded only and
 * decoded when a command needs them: a collection of millions of small documents then takes
 * about twice its BSON size in memory instead of about six times, at the cost of slower
 * scans; smaller collections (every test, most development databases) are decoded once.
 */
export const DECODED_BYTES = 16 * 1024 * 1024

/**
 * Past this many bytes of documents, a collection keeps none decoded: its decoded share
 * would serve under a quarter of its reads while costing about three bytes of heap per byte
 * (some 45 MB at a million small documents). Below half of it, it keeps them again.
 */
export const LARGE_COLLECTION_BYTES = 4 * DECODED_BYTES

/** A collection's bytes of documents: all of them, and those kept decoded (against `limit`). */
export class DecodedBudget {
  used = 0
  stored = 0
  limit = DECODED_BYTES
}

// Entries past the budget decoded during the current job; dropped once it ends.
let decodedNow: Entry[] = []
function forgetDecoded (): void {
  const entries = decodedNow
  decodedNow = []
  for (const entry of entries) entry.forget()
}

/**
 * A stored document. `obj` is shared with queries and cursors and is never mutated: an
 * update stores a new entry. `raw` is the encoded form, sent to clients as is. Within the
 * budget `obj` is held; past it, it is decoded from `raw` on first use and held until the
 * current job (one command) ends, so every read within a command sees the same object.
 */
export class Entry {
  readonly id: string
  // The bytes are kept as their buffer (a slab or a snapshot file, shared by many documents)
  // and an offset: a Uint8Array view per document would cost about 90 bytes of heap each.
  // The offset is stored as ~offset (negative) for an entry counted in its collection's
  // budget: a field of its own would cost 8 bytes on each of a million entries.
  readonly #buffer: ArrayBufferLike
  #at: number
  /** The document's size in bytes. */
  readonly size: number
  /** Position in natural order: kept by a new version of the document, new for a new document. */
  readonly seq: number
  #obj: Document | undefined

  constructor (id: string, raw: Uint8Array, obj: Document | undefined, budget: DecodedBudget, seq: number) {
    this.id = id
    this.#buffer = raw.buffer
    this.size = raw.length
    this.seq = seq
    budget.stored += raw.length
    if (budget.used + raw.length <= budget.limit) {
      budget.used += raw.length
      this.#at = ~raw.byteOffset
      this.#obj = obj ?? decode(raw)
    } else {
      this.#at = raw.byteOffset
      if (obj !== undefined) Entry.#hold(this, obj)
    }
  }

  /** The encoded document, as stored and sent to clients: never to be modified. */
  get raw (): Uint8Array {
    return new Uint8Array(this.#buffer, this.#at < 0 ? ~this.#at : this.#at, this.size)
  }

  /** Whether the entry is counted in its collection's budget of decoded documents. */
  get kept (): boolean {
    return this.#at < 0
  }

  /** Whether `obj` is at hand without decoding. */
  get decoded (): boolean {
    return this.#obj !== undefined
  }

  get obj (): Document {
    return this.#obj ?? Entry.#hold(this, decode(this.raw))
  }

  /**
   * The document without holding it past the budget: for passes over a whole collection
   * (scans, index builds, TTL), which would otherwise hold every document decoded at once.
   */
  peek (): Document {
    return this.#obj ?? decode(this.raw)
  }

  // Static, not an instance method: a class with private instance methods gives every
  // instance one more field (its brand).
  static #hold (entry: Entry, obj: Document): Document {
    if (decodedNow.length === 0) queueMicrotask(forgetDecoded)
    decodedNow.push(entry)
    entry.#obj = obj
    return obj
  }

  /** Drops the decoded form of an entry past the budget. */
  forget (): void {
    if (this.#at >= 0) this.#obj = undefined
  }

  /** Gives the entry's share of `budget` (its collection's) back, once it is no longer stored. */
  release (budget: DecodedBudget): void {
    budget.stored = Math.max(0, budget.stored - this.size)
    if (this.#at >= 0) return
    budget.used = Math.max(0, budget.used - this.size)
  }

  /** Stops keeping the entry decoded (its collection grew large), giving its share of `budget` back. */
  unkeep (budget: DecodedBudget): void {
    if (this.#at >= 0) return
    budget.used = Math.max(0, budget.used - this.size)
    this.#at = ~this.#at
    this.#obj = undefined
  }
}
