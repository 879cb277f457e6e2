import { ObjectId, type Document } from 'bson'
import { withIdFirst } from '../bson/compose.js'
import { encode } from '../bson/codec.js'
import { asCommandError, CommandError, ErrorCodes } from '../engine/command-error.js'
import { idFirst, isPlainObject } from '../engine/values.js'
import { boolArg, collectionArg } from './args.js'
import type { CommandContext, CommandHandler } from './context.js'
import { checkFields, checkHint, collationOf, variablesOf } from './options.js'
import { assertNotView } from './views.js'

/** The reply of a write command: counts, plus `writeErrors` when some statements failed. */
export function writeReply (fields: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...fields, writeErrors, ok: 1 } : { ...fields, ok: 1 }
}

/** The statements of a write command (`documents`, `updates`, `deletes`). */
export function statements (cmd: Document, field: string): Document[] {
  const value: unknown = cmd[field]
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new CommandError('FailedToParse', `BSON field '${field}' is missing or is not an array of documents`)
  }
  return value
}

/**
 * Runs the statements of a write command with MongoDB's ordering rules: ordered writes stop
 * at the first error, unordered ones go on; each error is reported with its statement index.
 */
export function eachStatement (items: Document[], ordered: boolean, run: (item: Document, index: number) => void): Document[] {
  const writeErrors: Document[] = []
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i] as Document, i)
    } catch (err) {
      const error = asCommandError(err)
      // Past maxTimeMS the whole command fails, as on MongoDB (later statements are not run).
      if (error.code === ErrorCodes.MaxTimeMSExpired) throw error
      writeErrors.push(error.toWriteError(i))
      if (ordered) break
    }
  }
  return writeErrors
}

/** The document to store and its bytes: `_id` first, added when missing, sent bytes kept when given. */
export function prepareInsertDocument (doc: Document, raw?: Uint8Array): [Document, Uint8Array] {
  if (doc._id === undefined) {
    const _id = new ObjectId()
    const obj = { _id, ...doc }
    return [obj, raw === undefined ? encode(obj) : withIdFirst(raw, _id)]
  }
  const obj = idFirst(doc)
  return [obj, raw === undefined ? encode(obj) : withIdFirst(raw)]
}

const INSERT_FIELDS = new Set(['insert', 'documents', 'ordered', 'bypassDocumentValidation'])
const DELETE_FIELDS = new Set(['delete', 'deletes', 'ordered', 'let'])
const DELETE_STATEMENT_FIELDS = new Set(['q', 'limit', 'collation', 'hint'])

const insert: CommandHandler = (cmd, ctx: CommandContext) => {
  const name = collectionArg(cmd, 'insert')
  checkFields(cmd, 'insert', INSERT_FIELDS)
  const docs = statements(cmd, 'documents')
  const raws = ctx.rawDocuments('documents')
  assertNotView(ctx.store.collection(ctx.db, name))
  const coll = ctx.store.ensure(ctx.db, name)
  let n = 0
  const writeErrors = eachStatement(docs, boolArg(cmd, 'ordered', true), (doc, i) => {
    const [obj, raw] = prepareInsertDocument(doc, raws?.length === docs.length ? raws[i] : undefined)
    coll.insert(obj, raw)
    n++
  })
  return writeReply({ n }, writeErrors)
}

const del: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'delete')
  checkFields(cmd, 'delete', DELETE_FIELDS)
  const coll = ctx.store.collection(ctx.db, name)
  assertNotView(coll)
  const deletes = statements(cmd, 'deletes')
  for (const stmt of deletes) checkFields(stmt, 'delete.deletes', DELETE_STATEMENT_FIELDS, false)
  const variables = variablesOf(cmd.let)
  let n = 0
  const writeErrors = eachStatement(deletes, boolArg(cmd, 'ordered', true), (stmt) => {
    if (!isPlainObject(stmt.q)) throw new CommandError('FailedToParse', 'BSON field \'delete.deletes.q\' is missing but a required field')
    const limit = Number(stmt.limit ?? 0)
    if (limit !== 0 && limit !== 1) throw new CommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`)
    if (coll === undefined) return
    checkHint(coll, stmt.hint)
    const op = { collation: collationOf(stmt.collation, coll), variables }
    for (const entry of coll.find(stmt.q, limit, op)) {
      coll.remove(entry)
      n++
    }
  })
  return writeReply({ n }, writeErrors)
}

/** insert and delete. */
export const writeCommands: Record<string, CommandHandler> = { insert, delete: del }
