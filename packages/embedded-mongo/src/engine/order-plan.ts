import type { Document } from 'bson'
import { sameCollation, type Collation } from './collation.js'
import { compareValues, typeRank } from './compare.js'
import type { Index } from './indexes.js'
import { compareBound, TypeEdge } from './ordered-keys.js'
import { isPlainObject, valueKey } from './values.js'

/**
 * How to answer a query by walking an index (or `_id`) in order, as MongoDB's index scans
 * do: between `lo` and `hi` (tree order, one bound per leading field), forwards or
 * backwards. When `sorted`, the walk yields the query's sort order and can stop after
 * skip + limit matches; keys equal on fields `groupFrom`..`groupTo` are ties, given in
 * natural order as a stable sort of a scan gives them. Otherwise the walk only narrows the
 * candidates, which go back to natural order. Every candidate is still tested by the filter,
 * so bounds may be wider than the filter (inclusive, whole type brackets).
 */
export interface OrderPlan {
  /** The index walked; undefined: the `_id` order. */
  index: Index | undefined
  forward: boolean
  lo: unknown[]
  hi: unknown[]
  sorted: boolean
  groupFrom: number
  groupTo: number
  /** The rest of the sort, past the fields the index gives: it orders each run of ties. */
  rest: Record<string, number>
}

const ID = { fields: ['_id'], directions: [1] }
const NONE = Symbol('none')
const RANGE = new Set(['$gt', '$gte', '$lt', '$lte'])

// A value an index bound can hold: scalars, dates and BSON types; not arrays, documents or patterns.
function boundValue (v: unknown): unknown {
  if (v === undefined || Array.isArray(v) || v instanceof RegExp) return NONE
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && !('_bsontype' in v)) return NONE
  return v
}

function equalityOf (cond: unknown): unknown {
  if (!isPlainObject(cond)) return boundValue(cond)
  const keys = Object.keys(cond)
  return keys.length === 1 && keys[0] === '$eq' ? boundValue(cond.$eq) : NONE
}

// The value interval of `$gt/$gte/$lt/$lte` conditions, a missing side closed at the type bracket's edge.
function rangeOf (cond: unknown, collation: Collation | undefined): [unknown, unknown] | undefined {
  if (!isPlainObject(cond)) return undefined
  const keys = Object.keys(cond)
  if (keys.length === 0 || !keys.every((k) => RANGE.has(k))) return undefined
  let lo: unknown = NONE
  let hi: unknown = NONE
  for (const k of keys) {
    const v = boundValue(cond[k])
    if (v === NONE) return undefined
    const lower = k === '$gt' || k === '$gte'
    const prev = lower ? lo : hi
    // Two bounds on one side: the wider one, a superset of what the filter keeps.
    const wider = prev === NONE || (compareValues(v, prev, collation?.compare) < 0) === lower
    if (!wider) continue
    if (lower) lo = v
    else hi = v
  }
  if (lo === NONE) lo = new TypeEdge(typeRank(hi), false)
  if (hi === NONE) hi = new TypeEdge(typeRank(lo), true)
  return [lo, hi]
}

interface Source { index: Index | undefined, fields: string[], directions: number[] }

// The indexes a query may walk: the hinted one alone (sparse and partial ones too, as MongoDB
// does when told), else complete ones of the query's collation. Never one holding arrays.
function sourcesOf (indexes: Iterable<Index>, collation: Collation | undefined, hint: unknown): Source[] {
  const all: Source[] = [{ index: undefined, ...ID }]
  for (const index of indexes) all.push({ index, fields: index.fields, directions: index.directions })
  const usable = (s: Source): boolean => s.index === undefined
    ? sameCollation(undefined, collation)
    : !s.index.multikey && sameCollation(s.index.collation, collation)
  if (hint !== undefined && hint !== null) {
    if (isPlainObject(hint) && '$natural' in hint) return []
    const hinted = all.filter((s) => typeof hint === 'string'
      ? (s.index?.name ?? '_id_') === hint
      : isPlainObject(hint) && valueKey(s.index?.spec.key ?? { _id: 1 }) === valueKey(hint))
    return hinted.filter(usable)
  }
  return all.filter((s) => usable(s) && (s.index === undefined || s.index.complete))
}

// The interval of values `filter` allows for `field`: its own equality or range, one of its
// `$and` parts', or the union of what every `$or` branch allows (as range pagination's
// `{ $or: [{ at: { $lt: v } }, { at: v, _id: { $lt: id } }] }` gives). A point is an equality.
function intervalOf (filter: Document, field: string, collation: Collation | undefined): Interval | undefined {
  const own: unknown = filter[field]
  if (own !== undefined) {
    const eq = equalityOf(own)
    if (eq !== NONE) return { lo: eq, hi: eq, point: true }
    const range = rangeOf(own, collation)
    if (range !== undefined) return { lo: range[0], hi: range[1], point: false }
  }
  const and: unknown = filter.$and
  if (Array.isArray(and)) {
    for (const part of and) {
      const found = isPlainObject(part) ? intervalOf(part, field, collation) : undefined
      if (found !== undefined) return found
    }
  }
  const or: unknown = filter.$or
  if (!Array.isArray(or) || or.length === 0) return undefined
  let union: Interval | undefined
  for (const part of or) {
    const found = isPlainObject(part) ? intervalOf(part, field, collation) : undefined
    if (found === undefined) return undefined
    if (union === undefined) union = { ...found, point: false }
    else {
      if (compareBound(found.lo, union.lo, collation?.compare) < 0) union.lo = found.lo
      if (compareBound(found.hi, union.hi, collation?.compare) > 0) union.hi = found.hi
    }
  }
  return union
}

interface Interval { lo: unknown, hi: unknown, point: boolean }

/**
 * Plans an index walk for `filter` sorted by `sort` (empty: no sort), or undefined when no
 * index can serve it. With a sort, the walk gives at least its first field's order; the rest
 * of the sort orders each run of ties (`rest`).
 */
export function planOrder (filter: Document, sort: Record<string, number>, indexes: Iterable<Index>, collation: Collation | undefined, hint?: unknown): OrderPlan | undefined {
  const wanted = Object.entries(sort)
  let best: OrderPlan | undefined
  let bestScore = 0
  for (const { index, fields, directions } of sourcesOf(indexes, collation, hint)) {
    const lo: unknown[] = []
    const hi: unknown[] = []
    let eq = 0
    let bound = 0
    for (const [k, field] of fields.entries()) {
      const found = intervalOf(filter, field, collation)
      if (found === undefined) break
      const down = directions[k] === -1
      lo.push(down ? found.hi : found.lo)
      hi.push(down ? found.lo : found.hi)
      if (!found.point) {
        bound += 0.5
        break
      }
      eq++
      bound++
    }
    let forward = true
    let groupFrom = 0
    let lined = 0
    if (wanted.length > 0) {
      ;[groupFrom, forward, lined] = sortPosition(wanted, fields, directions, eq)
      if (lined === 0) continue
    }
    // A longer sort given by the index first, then tighter bounds.
    const score = lined * 100 + bound
    if (score > bestScore) {
      const rest = Object.fromEntries(wanted.slice(lined))
      best = { index, forward, lo, hi, sorted: wanted.length > 0, groupFrom, groupTo: groupFrom + lined, rest }
      bestScore = score
    }
  }
  return best
}

// Where the longest prefix of the sort's fields sits in the index, after some of its `eq`
// equality-bound fields, whether it runs in the index's direction, and its length (0: none).
function sortPosition (wanted: Array<[string, number]>, fields: string[], directions: number[], eq: number): [number, boolean, number] {
  let best: [number, boolean, number] = [0, true, 0]
  for (let j = 0; j <= eq && j < fields.length; j++) {
    let ratio = 0
    let n = 0
    for (const [i, [field, dir]] of wanted.entries()) {
      const r = dir * (directions[j + i] ?? 1)
      if (fields[j + i] !== field || (ratio !== 0 && r !== ratio)) break
      ratio = r
      n++
    }
    if (n > best[2]) best = [j, ratio > 0, n]
  }
  return best
}
