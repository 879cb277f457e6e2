import { Long, Timestamp, type Document } from 'bson'
import { CommandError } from './command-error.js'
import { decimalOp } from './decimal.js'
import { bsonTypeName } from './mingo.js'
import { formatDocument, formatValue, getPath, isPlainObject } from './values.js'

const OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$rename', '$min', '$max', '$currentDate', '$setOnInsert',
  '$push', '$addToSet', '$pop', '$pull', '$pullAll', '$bit'])
const ARRAY_OPERATORS = ['$push', '$addToSet', '$pop', '$pull', '$pullAll']
const NUMERIC = new Set(['int', 'long', 'double', 'decimal'])

/** Whether `update` uses update operators (`{ $set: ... }`) rather than being a replacement document. */
export function isOperatorUpdate (update: Document): boolean {
  return Object.keys(update)[0]?.startsWith('$') === true
}

/** Refuses unknown operators and operator values that are not documents, as mongod does. */
export function checkOperators (update: Document): void {
  for (const [op, fields] of Object.entries(update)) {
    if (!OPERATORS.has(op)) {
      throw new CommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`)
    }
    if (!isPlainObject(fields)) {
      throw new CommandError('FailedToParse', `Modifiers operate on fields but we found type ${bsonTypeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(fields)}}`)
    }
  }
}

/**
 * Rewrites an operator update into what mingo applies, for every document alike:
 * `$setOnInsert` (kept only when inserting) and `$currentDate` become `$set`.
 */
export function rewriteOperators (update: Document, inserting: boolean): Document {
  const out: Document = {}
  const set: Document = { ...(update.$set as Document | undefined) }
  const addSet = (path: string, value: unknown): void => {
    if (path in set) throw new CommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${path}'`)
    set[path] = value
  }
  for (const [op, fields] of Object.entries(update) as Array<[string, Document]>) {
    if (op === '$set') continue
    if (op === '$setOnInsert') {
      if (inserting) for (const [path, value] of Object.entries(fields)) addSet(path, value)
    } else if (op === '$currentDate') {
      for (const [path, spec] of Object.entries(fields)) {
        const ts = isPlainObject(spec) && spec.$type === 'timestamp'
        addSet(path, ts ? Timestamp.fromBits(0, Math.floor(Date.now() / 1000)) : new Date())
      }
    } else {
      out[op] = fields
    }
  }
  if (Object.keys(set).length > 0) out.$set = set
  return out
}

/**
 * Checks a rewritten update against one document, with mongod's type errors, and returns a
 * modifier of its own when `$inc`/`$mul` meet Int64 values (computed here exactly, where
 * mingo would not), or undefined when the shared modifier applies.
 */
export function modifierFor (modifier: Document, doc: Document): Document | undefined {
  let own: Document | undefined
  for (const op of ARRAY_OPERATORS) {
    const fields = modifier[op] as Document | undefined
    if (fields !== undefined) for (const path of Object.keys(fields)) checkArray(op, path, doc)
  }
  for (const op of ['$inc', '$mul'] as const) {
    const fields = modifier[op] as Document | undefined
    if (fields === undefined) continue
    for (const [path, operand] of Object.entries(fields)) {
      const result = numericUpdate(op, path, getPath(doc, path), operand, doc)
      if (result === undefined) continue
      own ??= { ...modifier, $inc: { ...modifier.$inc }, $mul: { ...modifier.$mul }, $set: { ...modifier.$set } }
      delete (own[op] as Document)[path]
      if (path in (own.$set as Document)) throw new CommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${path}'`)
      ;(own.$set as Document)[path] = result
    }
  }
  if (own !== undefined) for (const op of ['$inc', '$mul', '$set']) if (Object.keys(own[op] as Document).length === 0) delete own[op]
  return own
}

/** Whether the update uses the positional `$` operator, which needs the query to find its element. */
export function usesPositional (modifier: Document): boolean {
  return Object.values(modifier).some((fields) => Object.keys(fields as Document).some((path) => /(^|\.)\$(\.|$)/.test(path)))
}

// Computes $inc/$mul itself when Int64 is involved (mingo would concatenate strings); undefined leaves it to mingo.
function numericUpdate (op: '$inc' | '$mul', path: string, current: unknown, operand: unknown, doc: Document): unknown {
  if (!NUMERIC.has(bsonTypeName(operand))) {
    throw new CommandError('TypeMismatch', `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(operand)}}`)
  }
  if (path.includes('$')) return undefined
  if (current !== undefined && !NUMERIC.has(bsonTypeName(current))) {
    throw new CommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. ${formatDocument({ _id: doc._id })} has the field '${path.split('.').pop() ?? path}' of non-numeric type ${bsonTypeName(current)}`)
  }
  // Decimal128 arithmetic keeps its 34 digits; a missing field counts as 0.
  if (bsonTypeName(operand) === 'decimal' || bsonTypeName(current) === 'decimal') {
    return op === '$inc' ? decimalOp('+', current ?? 0, operand) : decimalOp('*', current ?? 0, operand)
  }
  if (!(current instanceof Long) && !(operand instanceof Long)) return undefined
  // Int64 with a fractional double gives a double, as in MongoDB.
  if ([current, operand].some((v) => typeof v === 'number' && !Number.isInteger(v))) {
    const x = Number(String(current ?? 0))
    const y = Number(String(operand))
    return op === '$inc' ? x + y : x * y
  }
  const a = toLong(current ?? 0)
  const b = toLong(operand)
  return op === '$inc' ? a.add(b) : a.multiply(b)
}

function toLong (v: unknown): Long {
  if (v instanceof Long) return v
  return Long.fromNumber(Math.trunc(Number(v)))
}

function checkArray (op: string, path: string, doc: Document): void {
  if (path.includes('$')) return
  const current = getPath(doc, path)
  if (current === undefined || Array.isArray(current)) return
  if (op === '$push' || op === '$addToSet') {
    throw new CommandError('BadValue', `The field '${path}' must be an array but is of type ${bsonTypeName(current)} in document ${formatDocument({ _id: doc._id })}`)
  }
  throw new CommandError('BadValue', `Cannot apply ${op} to a non-array value`)
}
