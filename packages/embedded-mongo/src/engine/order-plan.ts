import type { Document } from 'bson'
import { sameCollation, type Collation } from './collation.js'
import { compareValues, typeRank } from './compare.js'
import type { Index } from './indexes.js'
import { TypeEdge } from './ordered-keys.js'
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

/**
 * Plans an index walk for `filter` sorted by `sort` (empty: no sort), or undefined when no
 * index can serve it. With a sort, only a walk giving that order is planned.
 */
export function planOrder (filter: Document, sort: Record<string, number>, indexes: Iterable<Index>, collation: Collation | undefined, hint?: unknown): OrderPlan | undefined {
  const wanted = Object.entries(sort)
  let best: OrderPlan | undefined
  let bestBound = -1
  for (const { index, fields, directions } of sourcesOf(indexes, collation, hint)) {
    const lo: unknown[] = []
    const hi: unknown[] = []
    let k = 0
    for (; k < fields.length; k++) {
      const v = equalityOf(filter[fields[k] as string])
      if (v === NONE) break
      lo.push(v)
      hi.push(v)
    }
    let bound = k
    const range = k < fields.length ? rangeOf(filter[fields[k] as string], collation) : undefined
    if (range !== undefined) {
      const down = directions[k] === -1
      lo.push(down ? range[1] : range[0])
      hi.push(down ? range[0] : range[1])
      bound += 0.5
    }
    let forward = true
    let groupFrom = 0
    if (wanted.length > 0) {
      const at = sortPosition(wanted, fields, directions, k)
      if (at === undefined) continue
      ;[groupFrom, forward] = at
    } else if (bound === 0) {
      continue
    }
    if (bound > bestBound) {
      best = { index, forward, lo, hi, sorted: wanted.length > 0, groupFrom, groupTo: groupFrom + wanted.length }
      bestBound = bound
    }
  }
  return best
}

// Where the sort's fields sit in the index, after some of its `eq` equality-bound fields,
// and whether they run in the index's direction; undefined if they do not line up.
function sortPosition (wanted: Array<[string, number]>, fields: string[], directions: number[], eq: number): [number, boolean] | undefined {
  for (let j = 0; j <= eq; j++) {
    if (wanted.length > fields.length - j) break
    let ratio = 0
    const fits = wanted.every(([field, dir], i) => {
      if (fields[j + i] !== field) return false
      const r = dir * (directions[j + i] ?? 1)
      if (ratio === 0) ratio = r
      return r === ratio
    })
    if (fits) return [j, ratio > 0]
  }
  return undefined
}
