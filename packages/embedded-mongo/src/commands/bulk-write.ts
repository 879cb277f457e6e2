import { Long, type Document } from 'bson'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { splitNamespace } from '../engine/store.js'
import { isPlainObject } from '../engine/values.js'
import { boolArg } from './args.js'
import type { CommandContext, CommandHandler } from './context.js'
import { checkFields } from './options.js'
import { updateCommands } from './update.js'
import { writeCommands } from './write.js'

/**
 * MongoDB 8.0's `bulkWrite` (the driver's `MongoClient.bulkWrite`): inserts, updates and
 * deletes across namespaces in one command. Each operation runs as the matching single-statement
 * `insert`, `update` or `delete`, so it has exactly their semantics and errors.
 */

const FIELDS = new Set(['bulkWrite', 'ops', 'nsInfo', 'ordered', 'errorsOnly', 'let', 'bypassDocumentValidation', 'cursor'])
const INSERT = new Set(['insert', 'document'])
const UPDATE = new Set(['update', 'filter', 'updateMods', 'multi', 'upsert', 'arrayFilters', 'hint', 'collation', 'sort', 'constants'])
const DELETE = new Set(['delete', 'filter', 'multi', 'hint', 'collation'])

function defined (doc: Document): Document {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined))
}

// The single-statement command an operation becomes, and the handler that runs it.
function statement (op: Document, nsInfo: Document[], letVars: unknown): [CommandHandler, string, Document] {
  const kind = 'insert' in op ? 'insert' : 'update' in op ? 'update' : 'delete' in op ? 'delete' : undefined
  if (kind === undefined) throw new CommandError('FailedToParse', 'Unrecognized bulkWrite operation: expected insert, update or delete')
  checkFields(op, 'bulkWrite.ops', kind === 'insert' ? INSERT : kind === 'update' ? UPDATE : DELETE, false)
  const info = nsInfo[Number(op[kind])]
  if (info === undefined || typeof info.ns !== 'string') throw new CommandError('BadValue', `BulkWrite ops entry ${String(op[kind])} is out of bounds of the nsInfo array`)
  const [db, coll] = splitNamespace(info.ns)
  if (kind === 'insert') return [writeCommands.insert as CommandHandler, db, { insert: coll, documents: [op.document] }]
  if (kind === 'delete') {
    return [writeCommands.delete as CommandHandler, db, defined({ delete: coll, deletes: [defined({ q: op.filter, limit: op.multi === true ? 0 : 1, hint: op.hint, collation: op.collation })], let: letVars })]
  }
  const u = defined({ q: op.filter, u: op.updateMods, c: op.constants, multi: op.multi, upsert: op.upsert, arrayFilters: op.arrayFilters, hint: op.hint, collation: op.collation, sort: op.sort })
  return [updateCommands.update as CommandHandler, db, defined({ update: coll, updates: [u], let: letVars })]
}

const bulkWrite: CommandHandler = (cmd, ctx) => {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'bulkWrite may only be run against the admin database.')
  checkFields(cmd, 'bulkWrite', FIELDS)
  const ops: unknown = cmd.ops
  const nsInfo: unknown = cmd.nsInfo
  if (!Array.isArray(ops) || !ops.every(isPlainObject)) throw new CommandError('FailedToParse', 'BSON field \'bulkWrite.ops\' is missing but a required field')
  if (!Array.isArray(nsInfo) || !nsInfo.every(isPlainObject)) throw new CommandError('FailedToParse', 'BSON field \'bulkWrite.nsInfo\' is missing but a required field')
  const ordered = boolArg(cmd, 'ordered', true)
  const errorsOnly = boolArg(cmd, 'errorsOnly')
  const totals = { nErrors: 0, nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 }
  const results: Document[] = []
  for (let idx = 0; idx < ops.length; idx++) {
    const op = ops[idx] as Document
    let reply: Document
    try {
      const [handler, db, sub] = statement(op, nsInfo as Document[], cmd.let)
      const subCtx: CommandContext = { store: ctx.store, cursors: ctx.cursors, ttl: ctx.ttl, db, connectionId: ctx.connectionId, rawDocuments: () => undefined }
      reply = handler(sub, subCtx) as Document
    } catch (err) {
      reply = { writeErrors: [asCommandError(err).toWriteError(0)] }
    }
    const error = (reply.writeErrors as Document[] | undefined)?.[0]
    if (error !== undefined) {
      totals.nErrors++
      const { index: _index, ...rest } = error
      results.push({ ok: 0, idx, ...rest })
      if (ordered) break
      continue
    }
    const n = Number(reply.n ?? 0)
    const upserted = (reply.upserted as Document[] | undefined)?.[0]
    let entry: Document = { ok: 1, idx, n }
    if ('insert' in op) totals.nInserted += n
    else if ('delete' in op) totals.nDeleted += n
    else {
      totals.nModified += Number(reply.nModified ?? 0)
      totals.nMatched += upserted === undefined ? n : n - 1
      if (upserted !== undefined) totals.nUpserted++
      entry = { ...entry, nModified: reply.nModified ?? 0, ...(upserted !== undefined ? { upserted: { _id: upserted._id } } : {}) }
    }
    if (!errorsOnly) results.push(entry)
  }
  return { cursor: { id: Long.ZERO, firstBatch: results, ns: 'admin.$cmd.bulkWrite' }, ...totals, ok: 1 }
}

/** bulkWrite. */
export const bulkWriteCommands: Record<string, CommandHandler> = { bulkWrite }
