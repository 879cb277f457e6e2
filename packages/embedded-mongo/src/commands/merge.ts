import { UUID, type Document } from 'bson'
import { evalExpr } from 'mingo/core'
import { Collection } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import { operationOptions, runPipeline, type OperationOptions } from '../engine/mingo.js'
import type { Store } from '../engine/store.js'
import { getPath, isPlainObject, valueKey } from '../engine/values.js'
import { assertNotView } from './views.js'
import { prepareInsertDocument } from './write.js'

/** Where an aggregation's results go: `$out` (replace the collection) or `$merge`. */
export interface Output {
  readonly db: string
  readonly coll: string
  readonly merge?: Document
}

function target (spec: unknown, db: string, stage: string): { db: string, coll: string } {
  if (typeof spec === 'string' && spec !== '') return { db, coll: spec }
  if (isPlainObject(spec) && typeof spec.coll === 'string' && spec.coll !== '') {
    return { db: typeof spec.db === 'string' ? spec.db : db, coll: spec.coll }
  }
  throw CommandError.location(stage === '$out' ? 16990 : 51178, `${stage} 'into' field must be either a string or an object with 'db' and 'coll' fields`)
}

/** Reads a trailing `$out` or `$merge` stage; either anywhere else is refused, as MongoDB does. */
export function outputOf (stages: Document[], db: string): Output | undefined {
  stages.forEach((stage, i) => {
    const name = Object.keys(stage)[0] ?? ''
    if ((name === '$out' || name === '$merge') && i < stages.length - 1) {
      throw CommandError.location(40601, `${name} can only be the final stage in the pipeline`)
    }
  })
  const last = stages[stages.length - 1]
  if (last === undefined) return undefined
  if ('$out' in last) {
    const spec: unknown = last.$out
    if (isPlainObject(spec) && spec.timeseries !== undefined) throw new CommandError('CommandNotSupported', 'The embedded database does not support time series collections. Set TAO_DATABASE_URL to use a MongoDB server for this.')
    return target(spec, db, '$out')
  }
  if ('$merge' in last) {
    const spec: unknown = last.$merge
    const merge = typeof spec === 'string' ? { into: spec } : spec
    if (!isPlainObject(merge)) throw CommandError.location(51182, '$merge only supports a string or object argument')
    for (const key of Object.keys(merge)) {
      if (!['into', 'on', 'let', 'whenMatched', 'whenNotMatched'].includes(key)) throw CommandError.location(40415, `BSON field '$merge.${key}' is an unknown field.`)
    }
    return { ...target(merge.into, db, '$merge'), merge }
  }
  return undefined
}

/** Writes the results of a pipeline ending in `$out` or `$merge`. */
export function writeOutput (store: Store, out: Output, docs: Document[], op: OperationOptions): void {
  assertNotView(store.collection(out.db, out.coll))
  if (out.merge === undefined) writeOut(store, out.db, out.coll, docs)
  else merge(store, out, out.merge, docs, op)
}

// $out replaces the target's documents and keeps its indexes; it is checked on a detached copy first, so a duplicate key leaves the target as it was.
function writeOut (store: Store, db: string, name: string, docs: Document[]): void {
  const existing = store.collection(db, name)
  const specs = existing === undefined ? [] : [...existing.indexes.values()].map((i) => i.spec)
  const rows = docs.map((doc) => prepareInsertDocument(doc))
  const trial = new Collection(db, name, {}, new UUID(), () => {})
  for (const spec of specs) trial.addIndex(spec)
  for (const [obj, raw] of rows) trial.insert(obj, raw)
  if (existing !== undefined) store.drop(db, name)
  const target = store.create(db, name, existing?.options ?? {})
  for (const spec of specs) target.addIndex(spec)
  for (const [obj, raw] of rows) target.insert(obj, raw)
}

function onFields (spec: Document, coll: Collection | undefined): string[] {
  const on: unknown = spec.on ?? '_id'
  const fields = typeof on === 'string' ? [on] : on
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string')) {
    throw CommandError.location(51186, '$merge \'on\' field must be either a string or an array of strings')
  }
  if (fields.length === 1 && fields[0] === '_id') return fields as string[]
  // MongoDB needs a unique index on exactly the `on` fields, so a result matches one document at most.
  const wanted = valueKey([...fields].sort())
  const unique = [...(coll?.indexes.values() ?? [])].some((i) => i.unique && i.complete && valueKey([...i.fields].sort()) === wanted)
  if (!unique) throw CommandError.location(51183, 'Cannot find index to verify that join fields will be unique')
  return fields as string[]
}

function merge (store: Store, out: Output, spec: Document, docs: Document[], op: OperationOptions): void {
  const whenMatched: unknown = spec.whenMatched ?? 'merge'
  const whenNotMatched: unknown = spec.whenNotMatched ?? 'insert'
  if (!Array.isArray(whenMatched) && !['replace', 'keepExisting', 'merge', 'fail'].includes(String(whenMatched))) {
    throw new CommandError('BadValue', `Enumeration value '${String(whenMatched)}' for field '$merge.whenMatched' is not a valid value.`)
  }
  if (!['insert', 'discard', 'fail'].includes(String(whenNotMatched))) {
    throw new CommandError('BadValue', `Enumeration value '${String(whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`)
  }
  const fields = onFields(spec, store.collection(out.db, out.coll))
  const coll = store.ensure(out.db, out.coll)
  for (const doc of docs) {
    const filter: Document = {}
    for (const f of fields) {
      const v = getPath(doc, f)
      if (v === undefined || v === null || Array.isArray(v)) throw CommandError.location(51132, `$merge write error: 'on' field '${f}' cannot be missing, null, undefined or an array`)
      filter[f] = v
    }
    const existing = coll.find(filter, 1)[0]
    if (existing === undefined) {
      if (whenNotMatched === 'discard') continue
      if (whenNotMatched === 'fail') throw CommandError.location(13113, '$merge could not find a matching document in the target collection for at least one document in the source collection')
      coll.insert(prepareInsertDocument(doc)[0])
      continue
    }
    if (whenMatched === 'keepExisting') continue
    if (whenMatched === 'fail') throw new CommandError('DuplicateKey', `$merge with whenMatched: fail found an existing document with the same values for the 'on' fields: ${JSON.stringify(filter)}`)
    let next: Document
    if (Array.isArray(whenMatched)) {
      // `let` is evaluated against the result document; without it, $$new is that document.
      const letSpec = isPlainObject(spec.let) ? spec.let : { new: '$$ROOT' }
      const options = operationOptions(op)
      const variables = { ...op.variables, ...Object.fromEntries(Object.entries(letSpec).map(([k, e]) => [k, evalExpr(doc, e, options as never)])) }
      next = runPipeline([existing.obj], whenMatched as Document[], undefined, { ...op, variables })[0] ?? existing.obj
    } else {
      next = whenMatched === 'replace' ? { ...doc } : { ...existing.obj, ...doc }
    }
    if ('_id' in next && valueKey(next._id) !== existing.id) {
      throw new CommandError('ImmutableField', '$merge failed to update the matching document, did you attempt to modify the _id or the shard key?')
    }
    coll.replace(existing, { _id: existing.obj._id, ...next })
  }
}
