import type { Db } from 'mongodb'
import type { TaoError } from '../errors/index.js'

/** Method name to the position of its options argument, from lists by position. */
function positions (byPosition: string[][]): ReadonlyMap<string, number> {
  return new Map(byPosition.flatMap((names, at) => names.map((name) => [name, at] as const)))
}

// Where each method of a Collection that talks to the database takes its options.
const COLLECTION_OPTIONS = positions([
  ['estimatedDocumentCount', 'dropIndexes', 'indexes', 'listIndexes', 'indexInformation', 'drop', 'options', 'isCapped'],
  ['find', 'findOne', 'countDocuments', 'aggregate', 'insertOne', 'insertMany', 'bulkWrite', 'deleteOne', 'deleteMany',
    'findOneAndDelete', 'createIndex', 'createIndexes', 'dropIndex', 'indexExists', 'rename'],
  ['distinct', 'updateOne', 'updateMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace'],
])

// The same for a Db (collection() is handled apart: it returns a bound collection).
const DB_OPTIONS = positions([
  ['collections', 'dropDatabase', 'stats'],
  ['command', 'aggregate', 'listCollections', 'createCollection', 'dropCollection', 'indexInformation', 'runCursorCommand'],
  ['createIndex', 'renameCollection'],
])

// The operations that may scan: they carry maxTimeMS so the server stops them at the deadline.
const MAX_TIME = new Set([
  'find', 'findOne', 'countDocuments', 'estimatedDocumentCount', 'distinct', 'aggregate',
  'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete',
])

type Options = Record<string, unknown> & { signal?: AbortSignal, maxTimeMS?: number }

/**
 * The database deadline of one request: every operation it starts through `req.db` must end
 * within `ms` of its first one. Each operation gets an AbortSignal that the driver honours while
 * it selects a server, waits for a pooled connection and reads the reply (mongodb 7.x ignores
 * `timeoutMS`), so the request fails with `reason()` (a 503) at the deadline whatever the
 * database does; reads and updates also carry the remaining time as `maxTimeMS`, so the server
 * stops the query too. Nothing is armed until the first operation.
 */
export class DbDeadline {
  readonly ms: number
  readonly #reason: () => TaoError
  #end = 0
  #controller: AbortController | null = null

  constructor (ms: number, reason: () => TaoError) {
    this.ms = ms
    this.#reason = reason
  }

  /**
   * The options of an operation started now: `given` plus the deadline's signal and, when
   * `maxTime`, a maxTimeMS no longer than the time left.
   * @throws TAO_ERR_DB_TIMEOUT when the deadline has passed.
   */
  options (given: Options | undefined, maxTime: boolean): Options {
    const now = Date.now()
    let controller = this.#controller
    if (controller === null) {
      controller = this.#controller = new AbortController()
      this.#end = now + this.ms
      // One timer per request that uses the database (not per operation). Unref'd, and not
      // cleared at the answer: aborting a finished request's signal touches nothing.
      const abort = controller
      setTimeout(() => abort.abort(this.#reason()), this.ms).unref()
    }
    const left = this.#end - now
    if (controller.signal.aborted) throw controller.signal.reason
    if (left <= 0) throw this.#reason()
    const own = given?.signal
    const out: Options = { ...given, signal: own === undefined ? controller.signal : AbortSignal.any([own, controller.signal]) }
    if (maxTime) out.maxTimeMS = Math.min(typeof given?.maxTimeMS === 'number' && given.maxTimeMS > 0 ? given.maxTimeMS : Infinity, left)
    return out
  }
}

function bind<T extends object> (target: T, optionsAt: ReadonlyMap<string, number>, deadline: DbDeadline, extra?: (prop: string) => unknown): T {
  return new Proxy(target, {
    get (obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver)
      if (typeof prop !== 'string' || typeof value !== 'function') return value
      const special = extra?.(prop)
      if (special !== undefined) return special
      const at = optionsAt.get(prop)
      if (at === undefined) return value
      const maxTime = MAX_TIME.has(prop)
      return function (this: unknown, ...args: unknown[]) {
        while (args.length < at) args.push(undefined)
        args[at] = deadline.options(args[at] as Options | undefined, maxTime)
        return (value as (...a: unknown[]) => unknown).apply(obj, args)
      }
    },
  })
}

/**
 * `db` whose operations (and those of its collections) keep to `deadline`. The same `Db` for
 * every other purpose: its type, its properties, and methods that start no operation.
 */
export function boundDb (db: Db, deadline: DbDeadline): Db {
  return bind(db, DB_OPTIONS, deadline, (prop) => prop === 'collection'
    ? (name: string, options?: object) => bind(db.collection(name, options), COLLECTION_OPTIONS, deadline)
    : undefined)
}
