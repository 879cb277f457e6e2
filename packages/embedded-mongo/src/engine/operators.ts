import type { Document } from 'bson'
import { evalExpr } from 'mingo/core'
import { Lazy } from 'mingo/lazy'
import type { ExpressionOperator, Options, PipelineOperator, QueryOperator } from 'mingo/types'
import { flatten, resolve } from 'mingo/util'
import { storedCollation } from './collation.js'
import { CommandError } from './command-error.js'
import { compareValues, typeRank, type StringCompare } from './compare.js'

/**
 * Comparison operators in MongoDB's BSON order, replacing mingo's: numbers compare by value
 * across int32, Int64, double and Decimal128 (mingo compares Long and Decimal128 as text),
 * and strings compare under the operation's collation (mingo's only honours it in $sort).
 */

function stringsOf (options: Options): StringCompare | undefined {
  // mingo's updater passes an empty collation object when there is none.
  return options.collation?.locale === undefined ? undefined : storedCollation(options.collation)?.compare
}

function depthOf (selector: string): number {
  let depth = 0
  for (let i = selector.indexOf('.'); i !== -1; i = selector.indexOf('.', i + 1)) depth++
  return depth
}

// The values a field condition tests: the field itself and, for arrays, their elements.
function candidates (lhs: unknown, depth: number): unknown[] {
  return Array.isArray(lhs) ? [lhs, ...flatten(lhs, depth)] : [lhs]
}

function fieldOperator (test: (values: unknown[], operand: unknown, strings: StringCompare | undefined, lhs: unknown) => boolean): QueryOperator {
  return ((selector: string, value: unknown, options: Options) => {
    const depth = depthOf(selector)
    const strings = stringsOf(options)
    return (doc: Document) => {
      const lhs = resolve(doc, selector, { unwrapArray: true })
      return test(candidates(lhs, depth), value, strings, lhs)
    }
  }) as QueryOperator
}

function equalsAny (values: unknown[], operand: unknown, strings: StringCompare | undefined): boolean {
  return values.some((v) => compareValues(v, operand, strings) === 0)
}

function inList (values: unknown[], operand: unknown, strings: StringCompare | undefined, lhs: unknown): boolean {
  if (!Array.isArray(operand)) throw new CommandError('BadValue', '$in needs an array')
  if (lhs === undefined || lhs === null) return operand.some((v) => v === null)
  return operand.some((o) => o instanceof RegExp
    ? values.some((v) => typeof v === 'string' && o.test(v))
    : equalsAny(values, o, strings))
}

// Ordering operators only compare values of the operand's type bracket (numbers with numbers...).
function ordering (accept: (c: number) => boolean): QueryOperator {
  return fieldOperator((values, operand, strings) => {
    const rank = typeRank(operand)
    return values.some((v) => typeRank(v) === rank && !(Array.isArray(v) && !Array.isArray(operand)) && accept(compareValues(v, operand, strings)))
  })
}

/** Query operators overriding mingo's. */
export const queryOperators: Record<string, QueryOperator> = {
  $eq: fieldOperator((values, operand, strings) => equalsAny(values, operand, strings)),
  $ne: fieldOperator((values, operand, strings) => !equalsAny(values, operand, strings)),
  $in: fieldOperator(inList),
  $nin: fieldOperator((values, operand, strings, lhs) => !inList(values, operand, strings, lhs)),
  $gt: ordering((c) => c > 0),
  $gte: ordering((c) => c >= 0),
  $lt: ordering((c) => c < 0),
  $lte: ordering((c) => c <= 0),
}

function comparison (result: (c: number) => unknown): ExpressionOperator {
  return ((obj: Document, expr: unknown, options: Options) => {
    const args = evalExpr(obj, expr, options)
    if (!Array.isArray(args) || args.length !== 2) throw new CommandError('BadValue', 'Expression takes exactly 2 arguments.')
    return result(compareValues(args[0], args[1], stringsOf(options)))
  }) as ExpressionOperator
}

/** Aggregation comparison expressions overriding mingo's: BSON order across all types. */
export const expressionOperators: Record<string, ExpressionOperator> = {
  $cmp: comparison((c) => c),
  $eq: comparison((c) => c === 0),
  $ne: comparison((c) => c !== 0),
  $gt: comparison((c) => c > 0),
  $gte: comparison((c) => c >= 0),
  $lt: comparison((c) => c < 0),
  $lte: comparison((c) => c <= 0),
}

const EMPTY_ARRAY = Symbol('empty array')

// The value a document sorts by: arrays by their smallest element ascending, largest descending; [] first.
function sortKey (doc: Document, field: string, dir: number, strings: StringCompare | undefined): unknown {
  const v = resolve(doc, field)
  if (!Array.isArray(v)) return v
  const items = flatten(v, 1)
  if (items.length === 0) return EMPTY_ARRAY
  return items.reduce((best, x) => (compareValues(x, best, strings) * dir < 0 ? x : best))
}

/** Sorts documents by a normalised sort spec (`{ field: 1 | -1 }`) in BSON order; stable. */
export function sortDocuments<T> (items: T[], spec: Record<string, number>, strings: StringCompare | undefined, docOf: (item: T) => Document): T[] {
  const fields = Object.entries(spec)
  const keyed = items.map((item) => ({ item, keys: fields.map(([f, dir]) => sortKey(docOf(item), f, dir, strings)) }))
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const x = a.keys[i]
      const y = b.keys[i]
      const c = x === EMPTY_ARRAY ? (y === EMPTY_ARRAY ? 0 : -1) : y === EMPTY_ARRAY ? 1 : compareValues(x, y, strings)
      if (c !== 0) return c * (fields[i]?.[1] ?? 1)
    }
    return 0
  })
  return keyed.map((k) => k.item)
}

interface Transformable { transform: (fn: (docs: Document[]) => unknown) => unknown }

/** The $sort stage in BSON order under the pipeline's collation. */
export const $sort = ((coll: Transformable, spec: Record<string, number>, options: Options) => {
  if (spec === null || typeof spec !== 'object' || Object.keys(spec).length === 0) throw CommandError.location(15976, '$sort stage must have at least one sort key')
  return coll.transform((docs) => Lazy(sortDocuments(docs, spec, stringsOf(options), (d) => d)))
}) as unknown as PipelineOperator
