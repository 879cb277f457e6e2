import type { Document } from 'bson'
import { cloneDeep } from 'mingo/util'
import type { Collection } from '../engine/collection.js'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { runPipeline, type OperationOptions } from '../engine/mingo.js'
import type { Store } from '../engine/store.js'
import { isPlainObject } from '../engine/values.js'

/**
 * Read-only views: a collection entry whose options hold `viewOn` and `pipeline`, holding no
 * documents. Reads run the view's pipeline over its source (itself possibly a view); writes
 * are refused with MongoDB's CommandNotSupportedOnView.
 */

// MongoDB bounds the depth of views defined on views.
const MAX_VIEW_DEPTH = 20

/** Whether a stored collection entry is a view. */
export function isView (coll: Collection | undefined): boolean {
  return typeof coll?.options.viewOn === 'string'
}

/** The error of a write, or an index command, aimed at a view. */
export function viewWriteError (ns: string): CommandError {
  return new CommandError('CommandNotSupportedOnView', `Namespace ${ns} is a view, not a collection`)
}

/** Throws when `coll` is a view: writes go to collections only. */
export function assertNotView (coll: Collection | undefined): void {
  if (coll !== undefined && isView(coll)) throw viewWriteError(coll.ns)
}

/**
 * Checks the `viewOn` and `pipeline` of a `create` command and returns the options to store.
 * @throws CommandError as MongoDB: a view on itself, writing stages, a missing `viewOn`.
 */
export function viewOptions (name: string, cmd: Document): Document {
  const viewOn: unknown = cmd.viewOn
  if (typeof viewOn !== 'string' || viewOn === '') throw new CommandError('BadValue', 'Must specify a non-empty string for the \'viewOn\' field')
  const pipeline: unknown = cmd.pipeline ?? []
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) throw new CommandError('TypeMismatch', 'BSON field \'create.pipeline\' is the wrong type, expected type \'array\' of objects')
  for (const stage of pipeline as Document[]) {
    const op = Object.keys(stage)[0] ?? ''
    if (op === '$out' || op === '$merge') throw new CommandError('OptionNotSupportedOnView', `${op} cannot be used in a view definition`)
  }
  if (viewOn === name) throw new CommandError('GraphContainsCycle', `View cycle detected: [${name}, ${name}]`)
  return { viewOn, pipeline }
}

/** The documents a view yields: its source's documents (recursively) through its pipeline. */
export function viewDocuments (store: Store, coll: Collection, op?: OperationOptions, depth = 0): Document[] {
  if (depth > MAX_VIEW_DEPTH) throw new CommandError('ViewDepthLimitExceeded', `View depth too deep or view cycle detected. Maximum depth is ${MAX_VIEW_DEPTH}`)
  const source = store.collection(coll.db, String(coll.options.viewOn))
  const input = source === undefined
    ? []
    : isView(source) ? viewDocuments(store, source, op, depth + 1) : [...source.docs.values()].map((e) => e.obj)
  const resolver = (from: string): Document[] => {
    const other = store.collection(coll.db, from)
    if (other === undefined) return []
    return isView(other) ? viewDocuments(store, other, op, depth + 1) : [...other.docs.values()].map((e) => cloneDeep(e.obj) as Document)
  }
  try {
    return runPipeline(input, coll.options.pipeline as Document[], resolver, op)
  } catch (err) {
    throw asCommandError(err)
  }
}
