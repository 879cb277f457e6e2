import type { Db } from 'mongodb'

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

/** How finely deadlines are grouped: requests whose deadlines fall in one slot share a signal. */
export const DEADLINE_SLOT_MS = 25

interface Slot {
  readonly end: number
  readonly controller: AbortController
  /**
   * The rejections of the operations still running under this slot, called when it aborts.
   * An operation leaves as soon as it settles: racing each one against a promise that lives
   * until the slot fires (seconds) kept every request's continuation reachable that long, so
   * requests were promoted to the old generation and a database page spent its time in the
   * collector.
   */
  readonly waiters: Set<(reason: Error) => void>
  /** Why it aborted, once it has. */
  reason: Error | null
}

/**
 * The abort signals of database deadlines, shared by the requests whose deadlines end in the
 * same {@link DEADLINE_SLOT_MS} slot: one AbortController and one timer per slot instead of per
 * request (together about 2 µs per request), at the price of firing up to a slot late. A
 * signal's reason is `reason(ms)`, naming no request: the error handler names the route.
 */
export class DeadlineSlots {
  // By deadline length, then by slot end: each slot's reason says its requests' deadline.
  readonly #slots = new Map<number, Map<number, Slot>>()
  readonly #reason: (ms: number) => Error

  constructor (reason: (ms: number) => Error) {
    this.#reason = reason
  }

  /** The slot of a deadline `ms` from `now`. */
  slot (now: number, ms: number): Slot {
    const end = Math.ceil((now + ms) / DEADLINE_SLOT_MS) * DEADLINE_SLOT_MS
    let slots = this.#slots.get(ms)
    if (slots === undefined) this.#slots.set(ms, slots = new Map())
    let slot = slots.get(end)
    if (slot === undefined) {
      const created: Slot = { end, controller: new AbortController(), waiters: new Set(), reason: null }
      const of = slots
      of.set(end, created)
      setTimeout(() => {
        of.delete(end)
        const reason = created.reason = this.#reason(ms)
        created.controller.abort(reason)
        for (const reject of created.waiters) reject(reason)
        created.waiters.clear()
      }, end - now).unref()
      slot = created
    }
    return slot
  }
}

/**
 * The database deadline of one request: every operation it starts through `req.db` must end
 * within `ms` of its first one. Each operation gets an AbortSignal that the driver honours while
 * it selects a server, waits for a pooled connection and reads the reply (mongodb 7.x ignores
 * `timeoutMS`), so the request fails with TAO_ERR_DB_TIMEOUT (a 503) at the deadline whatever the
 * database does; reads and updates also carry the remaining time as `maxTimeMS`, so the server
 * stops the query too. Nothing is armed until the first operation.
 */
export class DbDeadline {
  readonly ms: number
  readonly #slots: DeadlineSlots
  #slot: Slot | null = null
  #end = 0

  constructor (ms: number, slots: DeadlineSlots) {
    this.ms = ms
    this.#slots = slots
  }

  /**
   * The options of an operation started now: `given` plus the deadline's signal and, when
   * `maxTime`, a maxTimeMS no longer than the time left.
   * @throws TAO_ERR_DB_TIMEOUT when the deadline has passed.
   */
  options (given: Options | undefined, maxTime: boolean): Options {
    const now = Date.now()
    let slot = this.#slot
    if (slot === null) {
      slot = this.#slot = this.#slots.slot(now, this.ms)
      this.#end = now + this.ms
    }
    const signal = slot.controller.signal
    if (signal.aborted) throw signal.reason
    const left = Math.max(1, this.#end - now)
    const own = given?.signal
    const out: Options = { ...given, signal: own === undefined ? signal : AbortSignal.any([own, signal]) }
    if (maxTime) out.maxTimeMS = Math.min(typeof given?.maxTimeMS === 'number' && given.maxTimeMS > 0 ? given.maxTimeMS : Infinity, left)
    return out
  }

  /**
   * An operation's result held to the deadline: a promise settles at the deadline at the
   * latest, and a cursor's methods do the same. The signal alone is not enough: the driver
   * ignores one that aborted between two attempts (a read retried after a network error waits
   * for server selection again), so the promise is raced with the deadline too.
   */
  guard<R> (result: R): R {
    if (result instanceof Promise) return raceSlot(result, this.#slot as Slot) as R
    if (isCursor(result)) return guardCursor(result, this) as R
    return result
  }
}

/** `operation`, or the slot's reason if the slot aborts first. */
function raceSlot<T> (operation: Promise<T>, slot: Slot): Promise<T> {
  if (slot.reason !== null) return Promise.reject(slot.reason)
  return new Promise<T>((resolve, reject) => {
    slot.waiters.add(reject)
    operation.then((value) => {
      slot.waiters.delete(reject)
      resolve(value)
    }, (err: unknown) => {
      slot.waiters.delete(reject)
      reject(err)
    })
  })
}

function isCursor (value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { toArray?: unknown }).toArray === 'function' &&
    typeof (value as { next?: unknown }).next === 'function'
}

// A cursor whose promise-returning methods (toArray, next, hasNext, forEach ...) keep to the
// deadline; its chaining methods (sort, limit ...) return this guarded cursor.
function guardCursor<C extends object> (cursor: C, deadline: DbDeadline): C {
  const guarded: C = new Proxy(cursor, {
    get (obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj)
      if (typeof value !== 'function') return value
      return function (...args: unknown[]) {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args)
        return result === obj ? guarded : result instanceof Promise ? deadline.guard(result) : result
      }
    },
  })
  return guarded
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
        return deadline.guard((value as (...a: unknown[]) => unknown).apply(obj, args))
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
