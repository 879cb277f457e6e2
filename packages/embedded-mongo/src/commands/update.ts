import type { Document } from 'bson'
import { encode } from '../bson/codec.js'
import type { Collection, Entry } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import { makeProjector } from '../engine/projection.js'
import { sortEntries, sortSpec } from '../engine/query.js'
import type { OperationOptions } from '../engine/mingo.js'
import { applyUpdate, upsertDocument, validateUpdate, type UpdateSpec } from '../engine/update.js'
import { isOperatorUpdate } from '../engine/update-operators.js'
import { boolArg, collectionArg, docArg, docsArg } from './args.js'
import type { CommandHandler } from './context.js'
import { checkFields, checkHint, collationOf, operationOf, variablesOf } from './options.js'
import { assertNotView } from './views.js'
import { eachStatement, statements, writeReply } from './write.js'

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

/**
 * Updates stored documents; returns their new versions and how many changed. A document
 * the update leaves byte-identical is not rewritten, as in MongoDB.
 */
function updateEntries (coll: Collection, entries: Entry[], spec: UpdateSpec, filter: Document, arrayFilters?: Document[], op?: OperationOptions): [Document[], number] {
  const next = applyUpdate(entries, spec, filter, arrayFilters, op)
  let modified = 0
  next.forEach((doc, i) => {
    const entry = entries[i] as Entry
    const raw = encode(doc)
    if (sameBytes(raw, entry.raw)) return
    coll.replace(entry, doc, raw)
    modified++
  })
  return [next, modified]
}

const UPDATE_FIELDS = new Set(['update', 'updates', 'ordered', 'let', 'bypassDocumentValidation'])
const STATEMENT_FIELDS = new Set(['q', 'u', 'c', 'upsert', 'multi', 'arrayFilters', 'hint', 'collation', 'sort', 'upsertSupplied'])

// The documents one update statement changes: all matches, or the first in `sort` order (MongoDB 8.0).
function targets (coll: Collection | undefined, filter: Document, multi: boolean, sort: Document | undefined, op: OperationOptions): Entry[] {
  if (coll === undefined) return []
  if (sort === undefined || Object.keys(sort).length === 0) return coll.find(filter, multi ? 0 : 1, op)
  return coll.findSorted(filter, sortSpec(sort), 1, op) ?? sortEntries(coll.find(filter, 0, op), sort, op.collation).slice(0, 1)
}

const update: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'update')
  checkFields(cmd, 'update', UPDATE_FIELDS)
  const updates = statements(cmd, 'updates')
  for (const stmt of updates) checkFields(stmt, 'update.updates', STATEMENT_FIELDS, false)
  assertNotView(ctx.store.collection(ctx.db, name))
  const variables = variablesOf(cmd.let)
  let n = 0
  let nModified = 0
  const upserted: Document[] = []
  const writeErrors = eachStatement(updates, boolArg(cmd, 'ordered', true), (stmt, index) => {
    const filter = docArg(stmt, 'q')
    if (filter === undefined) throw new CommandError('FailedToParse', 'BSON field \'update.updates.q\' is missing but a required field')
    const spec = validateUpdate(stmt.u)
    const multi = boolArg(stmt, 'multi')
    if (multi && !Array.isArray(spec) && !isOperatorUpdate(spec)) {
      throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update')
    }
    const sort = docArg(stmt, 'sort')
    if (sort !== undefined && multi) throw new CommandError('FailedToParse', 'Cannot specify sort with multi=true')
    const arrayFilters = docsArg(stmt, 'arrayFilters')
    const upsert = boolArg(stmt, 'upsert')
    const existing = ctx.store.collection(ctx.db, name)
    checkHint(existing, stmt.hint)
    const constants = docArg(stmt, 'c')
    if (constants !== undefined && !Array.isArray(spec)) throw new CommandError('FailedToParse', 'Constant values may only be specified for pipeline updates')
    const op = { collation: collationOf(stmt.collation, existing), variables: constants === undefined ? variables : { ...variables, ...constants } }
    const matches = targets(existing, filter, multi, sort, op)
    if (matches.length === 0 && upsert) {
      const doc = upsertDocument(filter, spec, arrayFilters, op)
      ctx.store.ensure(ctx.db, name).insert(doc)
      n++
      upserted.push({ index, _id: doc._id })
      return
    }
    if (matches.length === 0) return
    nModified += updateEntries(existing as Collection, matches, spec, filter, arrayFilters, op)[1]
    n += matches.length
  })
  return writeReply(upserted.length > 0 ? { n, nModified, upserted } : { n, nModified }, writeErrors)
}

const FIND_AND_MODIFY_FIELDS = new Set([
  'findAndModify', 'findandmodify', 'query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert',
  'bypassDocumentValidation', 'collation', 'arrayFilters', 'hint', 'let',
])

const findAndModify: CommandHandler = (cmd, ctx) => {
  const field = 'findAndModify' in cmd ? 'findAndModify' : 'findandmodify'
  const name = collectionArg(cmd, field)
  checkFields(cmd, field, FIND_AND_MODIFY_FIELDS)
  const query = docArg(cmd, 'query') ?? {}
  const sort = docArg(cmd, 'sort')
  const project = makeProjector({}, docArg(cmd, 'fields'))
  const shape = (doc: Document | null): Document | null => doc === null || project === undefined ? doc : project([doc])[0] ?? null
  const coll = ctx.store.collection(ctx.db, name)
  assertNotView(coll)
  checkHint(coll, cmd.hint)
  const op = operationOf(cmd, coll)
  const sorted = sort !== undefined && Object.keys(sort).length > 0
  let matches = (sorted ? coll?.findSorted(query, sortSpec(sort), 1, op, cmd.hint) : undefined) ?? coll?.find(query, sorted ? 0 : 1, op) ?? []
  if (sorted) matches = sortEntries(matches, sort, op.collation)
  const target = matches[0]

  if (boolArg(cmd, 'remove')) {
    if (cmd.update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true')
    if (coll === undefined || target === undefined) return { lastErrorObject: { n: 0 }, value: null, ok: 1 }
    coll.remove(target)
    return { lastErrorObject: { n: 1 }, value: shape(target.obj), ok: 1 }
  }
  if (cmd.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified')
  const spec = validateUpdate(cmd.update)
  const arrayFilters = docsArg(cmd, 'arrayFilters')
  const returnNew = boolArg(cmd, 'new')
  if (coll !== undefined && target !== undefined) {
    const [[next]] = updateEntries(coll, [target], spec, query, arrayFilters, op)
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(returnNew ? next ?? null : target.obj), ok: 1 }
  }
  if (!boolArg(cmd, 'upsert')) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 }
  const doc = upsertDocument(query, spec, arrayFilters, op)
  ctx.store.ensure(ctx.db, name).insert(doc)
  return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? shape(doc) : null, ok: 1 }
}

/** update and findAndModify. */
export const updateCommands: Record<string, CommandHandler> = { update, findAndModify, findandmodify: findAndModify }
