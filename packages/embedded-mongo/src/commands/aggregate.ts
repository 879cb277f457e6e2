import { UUID, type Document } from 'bson'
import { cloneDeep } from 'mingo/util'
import { Collection } from '../engine/collection.js'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { runPipeline } from '../engine/mingo.js'
import { documentEncoder } from '../engine/query.js'
import type { Store } from '../engine/store.js'
import { idFirst, isPlainObject } from '../engine/values.js'
import { docArg, docsArg, intArg } from './args.js'
import type { CommandContext, CommandHandler } from './context.js'
import { prepareInsertDocument } from './write.js'

function unsupported (what: string): CommandError {
  return new CommandError('CommandNotSupported', `The embedded database does not support ${what}. Set TAO_DATABASE_URL to use a MongoDB server for this.`)
}

// The input documents; a leading $match is answered by the collection, so it can use the _id map and indexes.
function source (ctx: CommandContext, name: string | undefined, stages: Document[]): Document[] {
  const coll = name === undefined ? undefined : ctx.store.collection(ctx.db, name)
  if (coll === undefined) return []
  const first = stages[0]
  if (first !== undefined && Object.keys(first).length === 1 && isPlainObject(first.$match)) {
    stages.shift()
    return coll.find(first.$match).map((e) => e.obj)
  }
  return [...coll.docs.values()].map((e) => e.obj)
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

const aggregate: CommandHandler = (cmd, ctx) => {
  const target: unknown = cmd.aggregate
  const name = typeof target === 'string' ? target : undefined
  if (name === undefined && target !== 1) throw new CommandError('FailedToParse', 'Invalid aggregate namespace: the aggregate field must be a collection name or 1')
  const pipeline = docsArg(cmd, 'pipeline')
  if (pipeline === undefined) throw new CommandError('FailedToParse', 'BSON field \'aggregate.pipeline\' is missing but a required field')
  if (cmd.explain === true) throw unsupported('explain')
  const cursor = docArg(cmd, 'cursor')
  if (cursor === undefined) throw new CommandError('FailedToParse', 'The \'cursor\' option is required, except for aggregate with the explain argument')
  const stages = [...pipeline]
  if (stages.some((s) => '$merge' in s)) throw unsupported('the $merge stage (use $out)')
  const last = stages[stages.length - 1]
  let out: [string, string] | undefined
  if (last !== undefined && '$out' in last) {
    stages.pop()
    const spec: unknown = last.$out
    out = typeof spec === 'string' ? [ctx.db, spec] : isPlainObject(spec) ? [String(spec.db ?? ctx.db), String(spec.coll)] : undefined
    if (out === undefined) throw new CommandError('FailedToParse', '$out must be a collection name or { db, coll }')
  }
  const docs = source(ctx, name, stages)
  const resolver = (from: string): Document[] => [...(ctx.store.collection(ctx.db, from)?.docs.values() ?? [])].map((e) => cloneDeep(e.obj) as Document)
  let results: Document[]
  try {
    results = runPipeline(docs, stages, resolver).map(idFirst)
  } catch (err) {
    throw asCommandError(err)
  }
  if (out !== undefined) {
    writeOut(ctx.store, out[0], out[1], results)
    results = []
  }
  const ns = name === undefined ? `${ctx.db}.$cmd.aggregate` : `${ctx.db}.${name}`
  return ctx.cursors.open(ns, results, documentEncoder, intArg(cursor, 'batchSize'))
}

/** aggregate. */
export const aggregateCommands: Record<string, CommandHandler> = { aggregate }
