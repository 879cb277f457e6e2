import type { Document } from 'bson'
import { encode } from '../bson/codec.js'
import type { Collection, Entry } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import { makeProjector } from '../engine/projection.js'
import { sortEntries } from '../engine/query.js'
import { applyUpdate, upsertDocument, validateUpdate, type UpdateSpec } from '../engine/update.js'
import { isOperatorUpdate } from '../engine/update-operators.js'
import { boolArg, collectionArg, docArg, docsArg } from './args.js'
import type { CommandHandler } from './context.js'
import { eachStatement, statements, writeReply } from './write.js'

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

/**
 * Updates stored documents; returns their new versions and how many changed. A document
 * the update leaves byte-identical is not rewritten, as in MongoDB.
 */
function updateEntries (coll: Collection, entries: Entry[], spec: UpdateSpec, filter: Document, arrayFilters?: Document[]): [Document[], number] {
  const next = applyUpdate(entries, spec, filter, arrayFilters)
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

const update: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'update')
  let n = 0
  let nModified = 0
  const upserted: Document[] = []
  const writeErrors = eachStatement(statements(cmd, 'updates'), boolArg(cmd, 'ordered', true), (stmt, index) => {
    const filter = docArg(stmt, 'q')
    if (filter === undefined) throw new CommandError('FailedToParse', 'BSON field \'update.updates.q\' is missing but a required field')
    const spec = validateUpdate(stmt.u)
    const multi = boolArg(stmt, 'multi')
    if (multi && !Array.isArray(spec) && !isOperatorUpdate(spec)) {
      throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update')
    }
    const arrayFilters = docsArg(stmt, 'arrayFilters')
    const upsert = boolArg(stmt, 'upsert')
    const existing = ctx.store.collection(ctx.db, name)
    const matches = existing?.find(filter, multi ? 0 : 1) ?? []
    if (matches.length === 0 && upsert) {
      const doc = upsertDocument(filter, spec, arrayFilters)
      ctx.store.ensure(ctx.db, name).insert(doc)
      n++
      upserted.push({ index, _id: doc._id })
      return
    }
    if (matches.length === 0) return
    nModified += updateEntries(existing as Collection, matches, spec, filter, arrayFilters)[1]
    n += matches.length
  })
  return writeReply(upserted.length > 0 ? { n, nModified, upserted } : { n, nModified }, writeErrors)
}

const findAndModify: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'findAndModify' in cmd ? 'findAndModify' : 'findandmodify')
  const query = docArg(cmd, 'query') ?? {}
  const sort = docArg(cmd, 'sort')
  const project = makeProjector({}, docArg(cmd, 'fields'))
  const shape = (doc: Document | null): Document | null => doc === null || project === undefined ? doc : project([doc])[0] ?? null
  const coll = ctx.store.collection(ctx.db, name)
  let matches = coll?.find(query, sort === undefined ? 1 : 0) ?? []
  if (sort !== undefined) matches = sortEntries(matches, sort)
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
    const [[next]] = updateEntries(coll, [target], spec, query, arrayFilters)
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(returnNew ? next ?? null : target.obj), ok: 1 }
  }
  if (!boolArg(cmd, 'upsert')) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 }
  const doc = upsertDocument(query, spec, arrayFilters)
  ctx.store.ensure(ctx.db, name).insert(doc)
  return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? shape(doc) : null, ok: 1 }
}

/** update and findAndModify. */
export const updateCommands: Record<string, CommandHandler> = { update, findAndModify, findandmodify: findAndModify }
