import { Long, type Document } from 'bson'
import { CommandError } from '../engine/command-error.js'
import { distinctValues, entryEncoder, sortEntries } from '../engine/query.js'
import { boolArg, collectionArg, docArg, intArg } from './args.js'
import type { CommandHandler } from './context.js'

function nonNegative (cmd: Document, field: string): number | undefined {
  const v = intArg(cmd, field)
  if (v !== undefined && v < 0) throw new CommandError('BadValue', `BSON field '${field}' value must be >= 0, actual value '${v}'`)
  return v
}

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'find')
  if (boolArg(cmd, 'tailable')) throw new CommandError('CommandNotSupported', 'The embedded database does not support tailable cursors. Set TAO_DATABASE_URL to use a MongoDB server for this.')
  const filter = docArg(cmd, 'filter') ?? {}
  const sort = docArg(cmd, 'sort')
  const skip = nonNegative(cmd, 'skip') ?? 0
  const limitArg = intArg(cmd, 'limit') ?? 0
  const limit = Math.abs(limitArg)
  const batchSize = nonNegative(cmd, 'batchSize')
  const coll = ctx.store.collection(ctx.db, name)
  const sorted = sort !== undefined && Object.keys(sort).length > 0
  // Without a sort the scan can stop as soon as skip + limit documents matched.
  let entries = coll?.find(filter, sorted || limit === 0 ? 0 : skip + limit) ?? []
  if (sorted) entries = sortEntries(entries, sort)
  if (skip > 0 || limit > 0) entries = entries.slice(skip, limit > 0 ? skip + limit : undefined)
  const singleBatch = boolArg(cmd, 'singleBatch') || limitArg < 0
  return ctx.cursors.open(`${ctx.db}.${name}`, entries, entryEncoder(filter, docArg(cmd, 'projection')), batchSize, singleBatch)
}

const getMore: CommandHandler = (cmd, ctx) => {
  const id: unknown = cmd.getMore
  if (!Long.isLong(id) && typeof id !== 'number') throw new CommandError('TypeMismatch', 'getMore requires a cursor id of type long')
  collectionArg(cmd, 'collection')
  return ctx.cursors.more(Long.isLong(id) ? id : Long.fromNumber(id), nonNegative(cmd, 'batchSize'))
}

const killCursors: CommandHandler = (cmd, ctx) => {
  collectionArg(cmd, 'killCursors')
  const ids: unknown = cmd.cursors
  if (!Array.isArray(ids)) throw new CommandError('FailedToParse', 'BSON field \'killCursors.cursors\' is missing but a required field')
  const { killed, notFound } = ctx.cursors.kill(ids.map((id) => Long.isLong(id) ? id : Long.fromNumber(Number(id))))
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 }
}

const count: CommandHandler = (cmd, ctx) => {
  const coll = ctx.store.collection(ctx.db, collectionArg(cmd, 'count'))
  const query = docArg(cmd, 'query') ?? {}
  const skip = nonNegative(cmd, 'skip') ?? 0
  const limit = Math.abs(intArg(cmd, 'limit') ?? 0)
  let n = coll === undefined ? 0 : Object.keys(query).length === 0 ? coll.docs.size : coll.find(query).length
  n = Math.max(0, n - skip)
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 }
}

const distinct: CommandHandler = (cmd, ctx) => {
  const coll = ctx.store.collection(ctx.db, collectionArg(cmd, 'distinct'))
  const key: unknown = cmd.key
  if (typeof key !== 'string') throw new CommandError('FailedToParse', 'BSON field \'distinct.key\' is missing but a required field')
  const entries = coll?.find(docArg(cmd, 'query') ?? {}) ?? []
  return { values: distinctValues(entries.map((e) => e.obj), key), ok: 1 }
}

/** find, getMore, killCursors, count, distinct. */
export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct }
