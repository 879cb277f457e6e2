import * as bulkLoadModule from 'sorted-btree/extended/bulkLoad.js'
import { compareValues, typeRank, type StringCompare } from './compare.js'
import { holdsBytes, ownValue } from './values.js'

// sorted-btree is CommonJS compiled by TypeScript (`__esModule`): Node's ESM loader exposes its
// exports by name, and loaders that transpile to CommonJS (tsx, which projects load settings.ts
// and their apps through) hand the exports object itself. A default import works in only one.
const { bulkLoad } = bulkLoadModule
const NODE_SIZE = 32

/**
 * A key of an ordered index: one value per index field, then the document's natural-order
 * sequence number, which makes every key unique and orders ties as a collection scan would.
 */
export type OrderedKey = unknown[]

/** Bounds below or above every value of the tree (not multiplied by a field's direction). */
const LOW = Symbol('low')
const HIGH = Symbol('high')

/** A bound at the start or end of one BSON type bracket, in the field's value order. */
export class TypeEdge {
  constructor (readonly rank: number, readonly end: boolean) {}
}

/** Compares two field values (or bounds) in value order; type edges sit before/after their bracket. */
export function compareBound (a: unknown, b: unknown, strings: StringCompare | undefined): number {
  // Fast paths for the common keys (every insert makes ~20 comparisons): same-typed numbers
  // (NaN aside, which MongoDB orders below all numbers), simple strings, dates.
  if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string' && strings === undefined) return a < b ? -1 : a > b ? 1 : 0
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime())
  if (a instanceof TypeEdge || b instanceof TypeEdge) {
    const ra = a instanceof TypeEdge ? a.rank : typeRank(a)
    const rb = b instanceof TypeEdge ? b.rank : typeRank(b)
    if (ra !== rb) return ra < rb ? -1 : 1
    const ea = a instanceof TypeEdge ? (a.end ? 1 : -1) : 0
    const eb = b instanceof TypeEdge ? (b.end ? 1 : -1) : 0
    return Math.sign(ea - eb)
  }
  return compareValues(a, b, strings)
}

/**
 * The keys of a secondary index (or of `_id`) in the index's order, in a B+ tree
 * (sorted-btree): inserts and deletes cost O(log n), and a walk can start at any key, so a
 * sorted, limited or ranged query reads only the keys it returns instead of the collection.
 */
export class OrderedKeys {
  readonly #tree
  readonly #directions: number[]
  readonly #strings: StringCompare | undefined

  /** `pairs`: the initial keys and ids, in any order; sorted once and loaded in bulk (O(n) after the sort). */
  constructor (directions: number[], strings: StringCompare | undefined, pairs: Array<[OrderedKey, string]> = []) {
    this.#directions = directions
    this.#strings = strings
    const compare = (a: OrderedKey, b: OrderedKey): number => this.compare(a, b)
    pairs.sort((a, b) => compare(a[0], b[0]))
    this.#tree = bulkLoad(pairs.map((p) => ownKey(p[0])), pairs.map((p) => p[1]), NODE_SIZE, compare)
  }

  get size (): number {
    return this.#tree.size
  }

  /** Tree order: per field (by its direction), then the sequence number. */
  compare (a: OrderedKey, b: OrderedKey): number {
    const n = this.#directions.length
    for (let i = 0; i <= n; i++) {
      const x = a[i]
      const y = b[i]
      if (x === LOW || y === HIGH) return x === y ? 0 : -1
      if (x === HIGH || y === LOW) return x === y ? 0 : 1
      const c = i === n ? Math.sign((x as number) - (y as number)) : compareBound(x, y, this.#strings) * (this.#directions[i] ?? 1)
      if (c !== 0) return c
    }
    return 0
  }

  /** Whether two keys hold equal values on fields `from` to `to` (exclusive). */
  sameValues (a: OrderedKey, b: OrderedKey, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (compareBound(a[i], b[i], this.#strings) !== 0) return false
    return true
  }

  add (key: OrderedKey, id: string): void {
    this.#tree.set(ownKey(key), id)
  }

  delete (key: OrderedKey): void {
    this.#tree.delete(key)
  }

  /**
   * Keys from `lo` to `hi` (tree order, both inclusive; value bounds per field, missing
   * trailing fields are open), forwards or backwards.
   */
  * walk (lo: unknown[], hi: unknown[], forward: boolean): Generator<[OrderedKey, string]> {
    const n = this.#directions.length + 1
    const low = [...lo, ...Array<symbol>(n - lo.length).fill(LOW)]
    const high = [...hi, ...Array<symbol>(n - hi.length).fill(HIGH)]
    if (forward) {
      for (const pair of this.#tree.entries(low)) {
        if (this.compare(pair[0], high) > 0) return
        yield pair
      }
    } else {
      for (const pair of this.#tree.entriesReversed(high)) {
        if (this.compare(pair[0], low) < 0) return
        yield pair
      }
    }
  }
}

// Keys live as long as the tree; bson decodes Binary and Decimal128 values as views of the bytes
// they come from (an insert's whole message, a snapshot file), which such a key would keep.
function ownKey (key: OrderedKey): OrderedKey {
  return key.some(holdsBytes) ? key.map((v) => holdsBytes(v) ? ownValue(v) : v) : key
}
