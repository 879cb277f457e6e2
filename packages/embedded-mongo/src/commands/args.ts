import type { Document } from 'bson'
import { CommandError } from '../engine/command-error.js'
import { bsonTypeName } from '../engine/mingo.js'
import { isPlainObject } from '../engine/values.js'

/** The collection a command names in its first field, e.g. `find: 'users'`. */
export function collectionArg (cmd: Document, field: string): string {
  const name: unknown = cmd[field]
  if (typeof name !== 'string') throw new CommandError('InvalidNamespace', `collection name has invalid type ${bsonTypeName(name)}`)
  if (name === '') throw new CommandError('InvalidNamespace', 'Invalid namespace specified: collection name is empty')
  return name
}

/** An integer option given as int32, double or Int64. */
export function intArg (cmd: Document, field: string): number | undefined {
  const v: unknown = cmd[field]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number') return Math.trunc(v)
  if (typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber: () => number }).toNumber()
  throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${bsonTypeName(v)}', expected types '[long, int, decimal, double]'`)
}

/** An optional document option such as `filter`, `sort`, `projection`. */
export function docArg (cmd: Document, field: string): Document | undefined {
  const v: unknown = cmd[field]
  if (v === undefined || v === null) return undefined
  if (!isPlainObject(v)) throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${bsonTypeName(v)}', expected type 'object'`)
  return v
}

/** An optional array-of-documents option such as `pipeline` or `arrayFilters`. */
export function docsArg (cmd: Document, field: string): Document[] | undefined {
  const v: unknown = cmd[field]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || !v.every(isPlainObject)) {
    throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${bsonTypeName(v)}', expected type 'array' of objects`)
  }
  return v
}

/** A boolean option; MongoDB accepts numbers too. */
export function boolArg (cmd: Document, field: string, fallback = false): boolean {
  const v: unknown = cmd[field]
  return v === undefined || v === null ? fallback : Boolean(v)
}
