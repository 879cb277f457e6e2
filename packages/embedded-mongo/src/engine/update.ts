import { ObjectId, type Document } from 'bson'
import { updateMany } from 'mingo/updater'
import { decode } from '../bson/codec.js'
import type { Entry } from './collection.js'
import { asCommandError, CommandError } from './command-error.js'
import { mingoOptions, runPipeline, type OperationOptions } from './mingo.js'
import { applyPlainOperators } from './operator-update.js'
import { checkOperators, isOperatorUpdate, modifierFor, rewriteOperators, usesPositional } from './update-operators.js'
import { formatValue, idFirst, isPlainObject, setPath, valueKey } from './values.js'

/** The `u` of an update statement: operators, a replacement document, or a pipeline. */
export type UpdateSpec = Document | Document[]

const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith'])

/** Checks an update before any document is touched, so a bad update fails as a whole. */
export function validateUpdate (update: unknown): UpdateSpec {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] ?? '' : ''
      if (!PIPELINE_STAGES.has(name)) throw new CommandError('InvalidOptions', `${name || 'this stage'} is not allowed to be used within an update`)
    }
    return update as Document[]
  }
  if (!isPlainObject(update)) throw new CommandError('FailedToParse', 'Update argument must be either an object or an array')
  if (isOperatorUpdate(update)) checkOperators(update)
  else checkReplacement(update)
  return update
}

function checkReplacement (doc: Document): void {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) {
      throw new CommandError('BadValue', `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`)
    }
  }
}

/**
 * The new versions of stored documents after `update`, in the same order; the stored ones
 * are left untouched. One statement compiles its update once for all its documents.
 */
export function applyUpdate (entries: Entry[], update: UpdateSpec, filter: Document, arrayFilters?: Document[], op?: OperationOptions): Document[] {
  let next: Document[]
  if (Array.isArray(update)) {
    next = runUpdatePipeline(entries.map((e) => decode(e.raw)), update, op)
  } else if (isOperatorUpdate(update)) {
    next = runOperators(entries.map((e) => decode(e.raw)), update, filter, arrayFilters, false)
  } else {
    next = entries.map((e) => {
      if ('_id' in update && valueKey(update._id) !== e.id) {
        throw new CommandError('ImmutableField', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(update._id)}`)
      }
      return { ...update, _id: e.obj._id }
    })
  }
  return next.map((doc, i) => {
    const entry = entries[i] as Entry
    if (!('_id' in doc)) doc._id = entry.obj._id
    if (valueKey(doc._id) !== entry.id) {
      throw new CommandError('ImmutableField', 'Performing an update on the path \'_id\' would modify the immutable field \'_id\'')
    }
    return idFirst(doc)
  })
}

/** The document an upsert inserts when nothing matched: query equalities plus the update. */
export function upsertDocument (filter: Document, update: UpdateSpec, arrayFilters?: Document[], op?: OperationOptions): Document {
  const seed: Document = {}
  seedFromFilter(filter, seed)
  let doc: Document
  if (Array.isArray(update)) doc = runUpdatePipeline([seed], update, op)[0] ?? seed
  else if (isOperatorUpdate(update)) doc = runOperators([seed], update, filter, arrayFilters, true)[0] ?? seed
  // A replacement's own `_id` wins, null included.
  else doc = { ...update, _id: '_id' in update ? update._id : seed._id }
  if (doc._id === undefined) doc._id = new ObjectId()
  return idFirst(doc)
}

// Applies operators in place; documents needing exact Int64 arithmetic get their own modifier.
function runOperators (docs: Document[], update: Document, filter: Document, arrayFilters: Document[] | undefined, inserting: boolean): Document[] {
  const modifier = rewriteOperators(update, inserting)
  const shared: Document[] = []
  const apply = (targets: Document[], mod: Document): void => {
    if (targets.length === 0 || Object.keys(mod).length === 0) return
    // The query is only needed to resolve the positional `$`; it also re-tests documents we already matched.
    const positional = !inserting && usesPositional(mod)
    if (!positional && applyPlainOperators(targets, mod, arrayFilters)) return
    updateMany(targets, positional ? filter : {}, mod, { arrayFilters, cloneMode: 'copy' }, mingoOptions())
  }
  try {
    for (const doc of docs) {
      const own = modifierFor(modifier, doc)
      if (own === undefined) shared.push(doc)
      else apply([doc], own)
    }
    apply(shared, modifier)
  } catch (err) {
    throw asCommandError(err)
  }
  return docs
}

function runUpdatePipeline (docs: Document[], stages: Document[], op?: OperationOptions): Document[] {
  try {
    return runPipeline(docs, stages, undefined, op)
  } catch (err) {
    throw asCommandError(err)
  }
}

// MongoDB seeds an upserted document with the filter's equality conditions ({ a: 1 }, { a: { $eq: 1 } }, $and).
function seedFromFilter (filter: Document, out: Document): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) seedFromFilter(sub, out)
      continue
    }
    if (key.startsWith('$') || cond instanceof RegExp) continue
    if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
      if ('$eq' in cond) setPath(out, key, cond.$eq)
      continue
    }
    setPath(out, key, cond)
  }
}
