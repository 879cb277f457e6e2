import type { Document } from 'bson'
import { evalExpr } from 'mingo/core'
import { parseCollation, storedCollation, type Collation } from '../engine/collation.js'
import type { Collection } from '../engine/collection.js'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { operationOptions, type OperationOptions } from '../engine/mingo.js'
import { isPlainObject, valueKey } from '../engine/values.js'

// Fields every command may carry: the session, cluster time, read/write concerns and API version.
const GENERIC_FIELDS = new Set([
  '$db', 'lsid', '$clusterTime', '$readPreference', 'readConcern', 'writeConcern', 'comment', 'maxTimeMS',
  'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'txnNumber', 'autocommit', 'startTransaction', 'stmtId', 'stmtIds',
  '$client', '$audit', 'mayBypassWriteBlocking',
])

/**
 * Refuses a field the command does not know, as MongoDB's command parser does:
 * `BSON field 'find.foo' is an unknown field.` (code 40415). `where` names the part checked,
 * e.g. `update.updates` for one update statement.
 */
export function checkFields (doc: Document, where: string, allowed: ReadonlySet<string>, generic = true): void {
  for (const field in doc) {
    if (allowed.has(field) || (generic && GENERIC_FIELDS.has(field))) continue
    throw CommandError.location(40415, `BSON field '${where}.${field}' is an unknown field.`)
  }
}

/** An option MongoDB has and the store does not honour: refused, never ignored. */
export function unsupported (what: string): CommandError {
  return new CommandError('CommandNotSupported', `The embedded database does not support ${what}. Set TAO_DATABASE_URL to use a MongoDB server for this.`)
}

/**
 * The collation an operation runs under: its own `collation` option, else the collection's
 * default collation; undefined means MongoDB's simple (binary) collation.
 */
export function collationOf (raw: unknown, coll: Collection | undefined): Collation | undefined {
  const given = parseCollation(raw)
  if (given === null) return undefined
  return given ?? storedCollation(coll?.options.collation)
}

// MongoDB's rule for user variable names: a lowercase letter or non-ASCII first, then word characters.
const VARIABLE_NAME = /^([a-z]|[^\p{ASCII}])[\w\u0080-\uFFFF]*$/u

/**
 * The `let` variables of a command, each evaluated once as an expression (constants,
 * `$$NOW`, operators on them), as MongoDB does before running the command.
 */
export function variablesOf (raw: unknown, collation?: Collation): Document | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'BSON field \'let\' is the wrong type, expected type \'object\'')
  const out: Document = {}
  const options = operationOptions({ collation })
  for (const [name, expr] of Object.entries(raw)) {
    if (!VARIABLE_NAME.test(name)) throw CommandError.location(16870, `'${name}' starts with an invalid character for a user variable name`)
    try {
      out[name] = evalExpr({}, expr, options as never)
    } catch (err) {
      throw asCommandError(err)
    }
  }
  return out
}

/** The collation and variables of a command for the engine. */
export function operationOf (cmd: Document, coll: Collection | undefined, collationRaw: unknown = cmd.collation): OperationOptions {
  const collation = collationOf(collationRaw, coll)
  return { collation, variables: variablesOf(cmd.let, collation) }
}

/**
 * Checks a `hint`: an index name or key pattern of the collection, or `$natural`. MongoDB
 * refuses a hint naming no index; the store answers the same results with or without one.
 */
export function checkHint (coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || coll === undefined) return
  if (typeof hint === 'string') {
    if (hint === '_id_' || coll.indexes.has(hint)) return
  } else if (isPlainObject(hint)) {
    const keys = Object.keys(hint)
    if (keys.length === 0 || keys[0] === '$natural') return
    const key = valueKey(hint)
    if (key === valueKey({ _id: 1 }) || [...coll.indexes.values()].some((i) => valueKey(i.spec.key) === key)) return
  } else {
    throw new CommandError('FailedToParse', 'hint must be a string or an object')
  }
  throw new CommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index')
}
