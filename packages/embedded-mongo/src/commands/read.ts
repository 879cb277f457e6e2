import { Long, type Document } from 'bson'
import type { Collection } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import { compileFilter, type OperationOptions } from '../engine/mingo.js'
import { sortDocuments } from '../engine/operators.js'
import { makeProjector } from '../engine/projection.js'
import { distinctValues, documentEncoder, entryEncoder, sortEntries, sortSpec } from '../engine/query.js'
import { boolArg, collectionArg, docArg, intArg } from './args.js'
import type { CommandContext, CommandHandler } from './context.js'
import { checkFields, checkHint, operationOf, unsupported } from './options.js'
import { isView, viewDocuments } from './views.js'

const COUNT_FIELDS = new Set(['count', 'query', 'skip', 'limit', 'hint', 'collation', 'fields'])
const DISTINCT_FIELDS = new Set(['distinct', 'key', 'query', 'collation', 'hint'])

function nonNegative (cmd: Document, field: string): number | undefined {
  const v = intArg(cmd, field)
  if (v !== undefined && v < 0) throw new CommandError('BadValue', `BSON field '${field}' value must be >= 0, actual value '${v}'`)
  return v
}

const FIND_FIELDS = new Set([
  'find', 'filter', 'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'collation', 'let',
  'allowDiskUse', 'noCursorTimeout', 'allowPartialResults', 'tailable', 'awaitData', 'oplogReplay', 'readOnce',
  'max', 'min', 'returnKey', 'showRecordId',
])

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'find')
  checkFields(cmd, 'find', FIND_FIELDS)
  if (boolArg(cmd, 'tailable')) throw unsupported('tailable cursors')
  for (const option of ['max', 'min', 'returnKey', 'showRecordId'] as const) {
    if (cmd[option] !== undefined && cmd[option] !== false) throw unsupported(`the find option '${option}'`)
  }
  const filter = docArg(cmd, 'filter') ?? {}
  const sort = docArg(cmd, 'sort')
  const skip = nonNegative(cmd, 'skip') ?? 0
  const limitArg = intArg(cmd, 'limit') ?? 0
  const limit = Math.abs(limitArg)
  const batchSize = nonNegative(cmd, 'batchSize')
  const coll = ctx.store.collection(ctx.db, name)
  checkHint(coll, cmd.hint)
  const op = operationOf(cmd, coll)
  const singleBatch = boolArg(cmd, 'singleBatch') || limitArg < 0
  if (isView(coll)) {
    let docs = filtered(viewDocuments(ctx.store, coll as Collection, op), filter, op)
    if (sort !== undefined && Object.keys(sort).length > 0) docs = sortDocuments(docs, sortSpec(sort), op.collation?.compare, (d) => d)
    if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined)
    const project = makeProjector(filter, docArg(cmd, 'projection'))
    return ctx.cursors.open(`${ctx.db}.${name}`, project === undefined ? docs : project(docs), documentEncoder, batchSize, singleBatch)
  }
  const sorted = sort !== undefined && Object.keys(sort).length > 0
  // Without a sort, or with one an index gives, the read stops as soon as skip + limit documents matched.
  const needed = limit === 0 ? 0 : skip + limit
  let entries = sorted ? coll?.findSorted(filter, sortSpec(sort), needed, op, cmd.hint) : undefined
  if (entries === undefined) {
    entries = coll?.find(filter, sorted ? 0 : needed, op) ?? []
    if (sorted) entries = sortEntries(entries, sort, op.collation)
  }
  if (skip > 0 || limit > 0) entries = entries.slice(skip, limit > 0 ? skip + limit : undefined)
  return ctx.cursors.open(`${ctx.db}.${name}`, entries, entryEncoder(filter, docArg(cmd, 'projection')), batchSize, singleBatch)
}

// The documents of a view's output that match a filter.
function filtered (docs: Document[], filter: Document, op: OperationOptions): Document[] {
  if (Object.keys(filter).length === 0) return docs
  const query = compileFilter(filter, op)
  return docs.filter((d) => query.test(d))
}

// The documents a count or distinct reads: a collection's or a view's.
function matching (ctx: CommandContext, coll: Collection | undefined, query: Document, op: OperationOptions): Document[] {
  if (coll === undefined) return []
  if (isView(coll)) return filtered(viewDocuments(ctx.store, coll, op), query, op)
  return coll.find(query, 0, op).map((e) => e.obj)
}

const GET_MORE_FIELDS = new Set(['getMore', 'collection', 'batchSize', 'term', 'lastKnownCommittedOpTime', 'includeQueryStatsMetrics'])
const KILL_CURSORS_FIELDS = new Set(['killCursors', 'cursors'])

const getMore: CommandHandler = (cmd, ctx) => {
  const id: unknown = cmd.getMore
  checkFields(cmd, 'getMore', GET_MORE_FIELDS)
  if (!Long.isLong(id) && typeof id !== 'number') throw new CommandError('TypeMismatch', 'getMore requires a cursor id of type long')
  collectionArg(cmd, 'collection')
  return ctx.cursors.more(Long.isLong(id) ? id : Long.fromNumber(id), nonNegative(cmd, 'batchSize'))
}

const killCursors: CommandHandler = (cmd, ctx) => {
  collectionArg(cmd, 'killCursors')
  checkFields(cmd, 'killCursors', KILL_CURSORS_FIELDS)
  const ids: unknown = cmd.cursors
  if (!Array.isArray(ids)) throw new CommandError('FailedToParse', 'BSON field \'killCursors.cursors\' is missing but a required field')
  const { killed, notFound } = ctx.cursors.kill(ids.map((id) => Long.isLong(id) ? id : Long.fromNumber(Number(id))))
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 }
}

const count: CommandHandler = (cmd, ctx) => {
  const coll = ctx.store.collection(ctx.db, collectionArg(cmd, 'count'))
  checkFields(cmd, 'count', COUNT_FIELDS)
  checkHint(coll, cmd.hint)
  const query = docArg(cmd, 'query') ?? {}
  const skip = nonNegative(cmd, 'skip') ?? 0
  const limit = Math.abs(intArg(cmd, 'limit') ?? 0)
  const op = operationOf(cmd, coll)
  const fast = coll !== undefined && !isView(coll) && Object.keys(query).length === 0
  let n = fast ? coll.docs.size : matching(ctx, coll, query, op).length
  n = Math.max(0, n - skip)
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 }
}

const distinct: CommandHandler = (cmd, ctx) => {
  const coll = ctx.store.collection(ctx.db, collectionArg(cmd, 'distinct'))
  checkFields(cmd, 'distinct', DISTINCT_FIELDS)
  checkHint(coll, cmd.hint)
  const key: unknown = cmd.key
  if (typeof key !== 'string') throw new CommandError('FailedToParse', 'BSON field \'distinct.key\' is missing but a required field')
  const op = operationOf(cmd, coll)
  return { values: distinctValues(matching(ctx, coll, docArg(cmd, 'query') ?? {}, op), key, op.collation), ok: 1 }
}

/** find, getMore, killCursors, count, distinct. */
export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct }
