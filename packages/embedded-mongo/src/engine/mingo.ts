import type { Document } from 'bson'
import { Aggregator } from 'mingo/aggregator'
import { Context, ProcessingMode } from 'mingo/core'
import * as accumulator from 'mingo/operators/accumulator'
import * as expression from 'mingo/operators/expression'
import * as pipeline from 'mingo/operators/pipeline'
import * as projection from 'mingo/operators/projection'
import * as query from 'mingo/operators/query'
import * as window from 'mingo/operators/window'
import { Query } from 'mingo/query'
import type { AccumulatorOperator, CollationSpec, CollectionResolver, ExpressionOperator, Options, QueryOperator } from 'mingo/types'
import { resolve } from 'mingo/util'
import type { Collation } from './collation.js'
import { numericAccumulators, numericExpressions } from './numeric-operators.js'
import { $sort, expressionOperators, queryOperators } from './operators.js'
import { isPlainObject } from './values.js'

type Ops<T> = Record<`$${string}`, T>

// Namespace imports of mingo's CommonJS build also carry `default`; only `$name` keys are operators.
function ops<T> (ns: object): Ops<T> {
  return Object.fromEntries(Object.entries(ns).filter(([k]) => k.startsWith('$'))) as Ops<T>
}

const BSON_TYPE_ALIASES: Record<string, string> = {
  1: 'double', 2: 'string', 3: 'object', 4: 'array', 5: 'binData', 7: 'objectId', 8: 'bool', 9: 'date', 10: 'null', 11: 'regex', 13: 'javascript', 16: 'int', 17: 'timestamp', 18: 'long', 19: 'decimal', '-1': 'minKey', 127: 'maxKey',
}

/** The BSON type name of a stored value, as `$type` reports it. */
export function bsonTypeName (v: unknown): string {
  if (v === undefined) return 'missing'
  if (v === null) return 'null'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? 'int' : 'double'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Date) return 'date'
  if (v instanceof RegExp) return 'regex'
  if (isPlainObject(v)) return 'object'
  const t = (v as { _bsontype?: string })._bsontype
  const names: Record<string, string> = { ObjectId: 'objectId', Long: 'long', Decimal128: 'decimal', Binary: 'binData', Timestamp: 'timestamp', MinKey: 'minKey', MaxKey: 'maxKey', Code: 'javascript', Int32: 'int', Double: 'double' }
  return (t !== undefined ? names[t] : undefined) ?? 'object'
}

function typeMatches (v: unknown, wanted: unknown): boolean {
  const name = BSON_TYPE_ALIASES[String(wanted)] ?? String(wanted)
  if (name === 'number') return ['int', 'long', 'double', 'decimal'].includes(bsonTypeName(v))
  return bsonTypeName(v) === name
}

// mingo's own $type only knows JavaScript types; this one also knows ObjectId, Long, Decimal128...
const $type = ((selector: string, value: unknown, _options: Options) => {
  const wanted = Array.isArray(value) ? value : [value]
  return (doc: Document) => {
    const v = resolve(doc, selector)
    if (v === undefined) return false
    const candidates = Array.isArray(v) ? [v, ...v] : [v]
    return candidates.some((c) => wanted.some((w) => typeMatches(c, w)))
  }
}) as QueryOperator

const mingoExpressions = ops<ExpressionOperator>(expression)
const mingoAccumulators = ops<AccumulatorOperator>(accumulator)

const context = Context.init({
  accumulator: { ...mingoAccumulators, ...numericAccumulators(mingoAccumulators as never) },
  expression: { ...mingoExpressions, ...expressionOperators, ...numericExpressions(mingoExpressions as never, bsonTypeName) },
  pipeline: { ...ops(pipeline), $sort },
  projection: ops(projection),
  query: { ...ops<QueryOperator>(query), ...queryOperators, $type },
  window: ops(window),
})

/** The names of the pipeline stages mingo runs. */
export const pipelineStages: ReadonlySet<string> = new Set(Object.keys(ops(pipeline)))

/** Options for every mingo call: MongoDB-strict, no server-side JavaScript. */
export function mingoOptions (extra: Partial<Options> = {}): Partial<Options> {
  return { context, useStrictMode: true, scriptEnabled: false, processingMode: ProcessingMode.CLONE_OFF, ...extra }
}

/**
 * {@link mingoOptions} in the form mingo uses internally, built once. Given plain options,
 * every `new Query` copies the whole operator context (hundreds of operators: half the cost
 * of a find by `_id`); given an instance of its internal ComputeOptions, it reuses it.
 * That class is not exported, but every query operator receives an instance, so one is
 * captured at load time. Falls back to plain options if a mingo release changes this.
 */
export const sharedOptions: Partial<Options> = initialisedOptions(mingoOptions())

function initialisedOptions (plain: Partial<Options>): Partial<Options> {
  let captured: unknown
  const $capture = ((_selector: string, _value: unknown, options: Options) => {
    captured = options
    return () => true
  }) as QueryOperator
  new Query({ x: { $capture: 1 } }, { ...plain, context: Context.init({ query: { $capture } }) }).test({})
  const init = (captured as { constructor?: { init?: unknown } } | undefined)?.constructor?.init
  return typeof init === 'function' ? (init as (o: Partial<Options>) => Partial<Options>)(plain) : plain
}

/** What an operation adds to the defaults: its collation and its `let` variables. */
export interface OperationOptions {
  readonly collation?: Collation | undefined
  readonly variables?: Document | undefined
}

/** {@link sharedOptions} plus an operation's collation and variables, without copying the operator context. */
export function operationOptions (op: OperationOptions | undefined, extra: Partial<Options> = {}): Partial<Options> {
  if (op?.collation === undefined && op?.variables === undefined && Object.keys(extra).length === 0) return sharedOptions
  const added: Partial<Options> = {
    ...extra,
    ...(op?.collation !== undefined ? { collation: op.collation.spec as CollationSpec } : {}),
    ...(op?.variables !== undefined ? { variables: op.variables } : {}),
  }
  const Ctor = (sharedOptions as { constructor: unknown }).constructor
  const plain = (sharedOptions as { options?: Partial<Options> }).options
  if (typeof Ctor === 'function' && plain !== undefined) return new (Ctor as new (o: Partial<Options>) => Partial<Options>)({ ...plain, ...added })
  return mingoOptions(added)
}

/**
 * Options for mingo's update operators, as mingo's updateMany builds them (an empty condition,
 * values copied before they change) but on {@link sharedOptions}, without copying the operator
 * context; undefined if that instance could not be captured.
 */
export function updateOptions (): Partial<Options> | undefined {
  const Ctor = (sharedOptions as { constructor: unknown }).constructor as { init?: unknown }
  if (typeof Ctor.init !== 'function') return undefined
  const fresh = (Ctor.init as (o: Partial<Options>) => { update?: (locals: object) => Partial<Options> })(sharedOptions)
  return fresh.update?.({ condition: {}, updateConfig: { cloneMode: 'copy' } })
}

/** Compiles a query filter, under an operation's collation and variables. */
export function compileFilter (filter: Document, op?: OperationOptions): Query {
  return new Query(filter, operationOptions(op))
}

/**
 * Runs an aggregation pipeline. Inputs are cloned because some stages ($set on a nested
 * path) write into the documents they receive, and stored documents must never change.
 */
export function runPipeline (docs: Document[], stages: Document[], resolver?: CollectionResolver, op?: OperationOptions): Document[] {
  const options = operationOptions(op, { processingMode: ProcessingMode.CLONE_INPUT, ...(resolver ? { collectionResolver: resolver } : {}) })
  return new Aggregator(stages, options).run(docs)
}
