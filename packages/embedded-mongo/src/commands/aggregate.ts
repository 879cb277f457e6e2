import type { Document } from 'bson'
import { cloneDeep } from 'mingo/util'
import type { Collection } from '../engine/collection.js'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { pipelineStages, runPipeline, type OperationOptions } from '../engine/mingo.js'
import { documentEncoder, sortSpec } from '../engine/query.js'
import { idFirst, isPlainObject } from '../engine/values.js'
import { docArg, docsArg, intArg } from './args.js'
import type { CommandContext, CommandHandler } from './context.js'
import { outputOf, writeOutput } from './merge.js'
import { checkFields, checkHint, operationOf, unsupported } from './options.js'
import { sessionsOf } from './sessions.js'
import { isView, viewDocuments } from './views.js'

const AGGREGATE_FIELDS = new Set([
  'aggregate', 'pipeline', 'explain', 'allowDiskUse', 'cursor', 'hint', 'collation', 'let', 'bypassDocumentValidation',
])

// Stages MongoDB has that the store does not run: refused by name rather than answered wrongly.
const SERVER_STAGES = new Set([
  '$changeStream', '$changeStreamSplitLargeEvent', '$collStats', '$currentOp', '$geoNear', '$indexStats', '$listSampledQueries',
  '$listSearchIndexes', '$listSessions', '$planCacheStats', '$queryStats', '$search', '$searchMeta', '$vectorSearch',
  '$shardedDataDistribution', '$listClusterCatalog', '$rankFusion', '$scoreFusion',
])

/** Checks the stage names of a pipeline, as MongoDB does before running anything. */
export function checkStages (stages: Document[]): void {
  for (const stage of stages) {
    const names = Object.keys(stage)
    if (names.length !== 1) throw CommandError.location(40323, 'A pipeline stage specification object must contain exactly one field.')
    const name = names[0] as string
    if (SERVER_STAGES.has(name)) throw unsupported(`the ${name} stage`)
    if (!pipelineStages.has(name) && name !== '$listLocalSessions') throw CommandError.location(40324, `Unrecognized pipeline stage name: '${name}'`)
  }
}

// The input documents; a leading $match is answered by the collection, so it can use the _id map and indexes.
function source (ctx: CommandContext, coll: Collection | undefined, stages: Document[], op: OperationOptions, hint: unknown): Document[] {
  if (coll === undefined) return []
  if (isView(coll)) return viewDocuments(ctx.store, coll, op)
  const first = stages[0]
  const match = first !== undefined && Object.keys(first).length === 1 && isPlainObject(first.$match) ? first.$match : undefined
  const sorted = sortedSource(coll, stages.slice(match === undefined ? 0 : 1), match ?? {}, op, hint)
  if (sorted !== undefined) {
    if (match !== undefined) stages.shift()
    stages.shift()
    return sorted
  }
  if (match !== undefined) {
    stages.shift()
    return coll.find(match, 0, op).map((e) => e.obj)
  }
  return [...coll.docs.values()].map((e) => e.obj)
}

// A leading $sort an index gives is read in order, stopping once the $skip and $limit right
// after it are served (they stay in the pipeline, where they change nothing more).
function sortedSource (coll: Collection, stages: Document[], match: Document, op: OperationOptions, hint: unknown): Document[] | undefined {
  const sort: unknown = stages[0]?.$sort
  if (!isPlainObject(sort) || Object.keys(stages[0] as Document).length !== 1 || Object.keys(sort).length === 0) return undefined
  let needed = 0
  let skipped = 0
  for (const stage of stages.slice(1)) {
    const skip: unknown = stage.$skip
    const limit: unknown = stage.$limit
    if (typeof skip === 'number' && skip >= 0) skipped += skip
    else if (typeof limit === 'number' && limit > 0) { needed = skipped + limit; break } else break
  }
  return coll.findSorted(match, sortSpec(sort), needed, op, hint)?.map((e) => e.obj)
}

// Documents of another collection or view, for $lookup, $graphLookup and $unionWith.
function resolverFor (ctx: CommandContext, op: OperationOptions): (from: string) => Document[] {
  return (from) => {
    const coll = ctx.store.collection(ctx.db, from)
    if (coll === undefined) return []
    if (isView(coll)) return viewDocuments(ctx.store, coll, op)
    return [...coll.docs.values()].map((e) => cloneDeep(e.obj) as Document)
  }
}

const aggregate: CommandHandler = (cmd, ctx) => {
  const target: unknown = cmd.aggregate
  const name = typeof target === 'string' ? target : undefined
  if (name === undefined && target !== 1) throw new CommandError('FailedToParse', 'Invalid aggregate namespace: the aggregate field must be a collection name or 1')
  checkFields(cmd, 'aggregate', AGGREGATE_FIELDS)
  const pipeline = docsArg(cmd, 'pipeline')
  if (pipeline === undefined) throw new CommandError('FailedToParse', 'BSON field \'aggregate.pipeline\' is missing but a required field')
  if (cmd.explain === true) throw unsupported('explain')
  const cursor = docArg(cmd, 'cursor')
  if (cursor === undefined) throw new CommandError('FailedToParse', 'The \'cursor\' option is required, except for aggregate with the explain argument')
  checkStages(pipeline)
  const stages = [...pipeline]
  const out = outputOf(stages, ctx.db)
  if (out !== undefined) stages.pop()
  const coll = name === undefined ? undefined : ctx.store.collection(ctx.db, name)
  checkHint(coll, cmd.hint)
  const op = operationOf(cmd, coll)
  const ns = name === undefined ? `${ctx.db}.$cmd.aggregate` : `${ctx.db}.${name}`
  if (stages[0] !== undefined && '$listLocalSessions' in stages[0]) {
    if (name !== undefined) throw CommandError.location(50991, '$listLocalSessions must be run against the database with {aggregate: 1}, not a collection')
    stages[0] = { $documents: sessionsOf(ctx.store).list(stages[0].$listLocalSessions) }
  }
  let results: Document[]
  try {
    results = runPipeline(source(ctx, coll, stages, op, cmd.hint), stages, resolverFor(ctx, op), op).map(idFirst)
  } catch (err) {
    throw asCommandError(err)
  }
  if (out !== undefined) {
    writeOutput(ctx.store, out, results, op)
    results = []
  }
  return ctx.cursors.open(ns, results, documentEncoder, intArg(cursor, 'batchSize'))
}

/** aggregate. */
export const aggregateCommands: Record<string, CommandHandler> = { aggregate }
