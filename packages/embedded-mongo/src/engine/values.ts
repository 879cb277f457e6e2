import { Binary, Decimal128, EJSON, UUID, type Document } from 'bson'
import { decimalKey } from './compare.js'

/** True for `{...}` literals, false for arrays, dates and BSON values such as ObjectId. */
export function isPlainObject (v: unknown): v is Document {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * The key of the ObjectId held in `b[at..at+12]`: 'o' and its 12 bytes as one character each.
 * Thirteen one-byte characters made in one go are a flat 32-byte string; 'o' + 24 hex digits
 * was a concatenation of two (about 80 bytes per stored document, in the `_id` map of a
 * million documents). Keys are only compared for equality, and every other kind of key
 * starts with another character, so a fixed-length key stays unambiguous inside compound keys.
 */
export function objectIdBytesKey (b: Uint8Array, at: number): string {
  return String.fromCharCode(0x6f, b[at] as number, b[at + 1] as number, b[at + 2] as number, b[at + 3] as number,
    b[at + 4] as number, b[at + 5] as number, b[at + 6] as number, b[at + 7] as number, b[at + 8] as number,
    b[at + 9] as number, b[at + 10] as number, b[at + 11] as number)
}

// bson 7 keeps an ObjectId as four 24-bit numbers; `id` (its bytes, copied) for any other shape.
function objectIdKey (v: object): string {
  const { i0, i1, i2, i3 } = v as { i0?: unknown, i1?: unknown, i2?: unknown, i3?: unknown }
  if (typeof i0 !== 'number' || typeof i1 !== 'number' || typeof i2 !== 'number' || typeof i3 !== 'number') return objectIdBytesKey((v as { id: Uint8Array }).id, 0)
  return String.fromCharCode(0x6f, i0 >>> 16, (i0 >>> 8) & 0xff, i0 & 0xff, i1 >>> 16, (i1 >>> 8) & 0xff, i1 & 0xff,
    i2 >>> 16, (i2 >>> 8) & 0xff, i2 & 0xff, i3 >>> 16, (i3 >>> 8) & 0xff, i3 & 0xff)
}

function bsonType (v: object): string | undefined {
  return (v as { _bsontype?: string })._bsontype
}

/**
 * A string that is equal for two values exactly when MongoDB would call them equal in an
 * index: numbers of any width compare by value, embedded documents by fields in order.
 * It keys the `_id` map and every index.
 */
export function valueKey (v: unknown): string {
  if (v === undefined || v === null) return 'z'
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? 'n0' : 'n' + String(v)
    case 'string': return JSON.stringify(v)
    case 'boolean': return v ? 'T' : 'F'
    case 'bigint': return 'n' + v.toString()
    case 'object': break
    default: return 'e' + String(v)
  }
  if (Array.isArray(v)) return '[' + v.map(valueKey).join(',') + ']'
  if (v instanceof Date) return 'd' + String(v.getTime())
  if (v instanceof RegExp) return 'r' + String(v)
  switch (bsonType(v)) {
    case 'ObjectId': return objectIdKey(v)
    case 'Long': case 'Int32': case 'Double': return 'n' + String(v)
    case 'Decimal128': return decimalKey(v as Decimal128)
    case 'Timestamp': return 't' + String(v)
    case 'MinKey': return '-'
    case 'MaxKey': return '+'
    case undefined: break
    default: return 'e' + EJSON.stringify(v, { relaxed: false })
  }
  const obj = v as Document
  return '{' + Object.keys(obj).map((k) => JSON.stringify(k) + ':' + valueKey(obj[k])).join(',') + '}'
}

/** Marks an indexed field that is absent (indexed as null, as MongoDB does). */
const MISSING = null

/**
 * The values an index holds for `path` in `doc`: one per array element when the path
 * crosses arrays (a multikey index), `null` when the field is missing.
 */
export function pathValues (doc: unknown, path: string): unknown[] {
  const out: unknown[] = []
  collect(doc, path.split('.'), 0, out)
  return out.length > 0 ? out : [MISSING]
}

function collect (value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(value)
      else out.push(...value)
    } else {
      out.push(value === undefined ? MISSING : value)
    }
    return
  }
  const part = parts[i] ?? ''
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) collect(value[Number(part)], parts, i + 1, out)
    // An element without the field is indexed as null, so `{ 'items.k': null }` finds it.
    else for (const el of value) collect(isPlainObject(el) ? el[part] : undefined, parts, i + 1, out)
  } else if (isPlainObject(value) && part in value) {
    collect(value[part], parts, i + 1, out)
  } else {
    out.push(MISSING)
  }
}

/**
 * Whether `doc` holds `path` at all, a null value included, through arrays of documents: what
 * puts a document in a sparse index (a missing field keeps it out, an explicit null does not).
 */
export function hasPath (doc: unknown, path: string): boolean {
  return holds(doc, path.split('.'), 0)
}

function holds (value: unknown, parts: string[], i: number): boolean {
  if (i === parts.length) return value !== undefined
  const part = parts[i] ?? ''
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) return holds(value[Number(part)], parts, i + 1)
    return value.some((el) => isPlainObject(el) && holds(el[part], parts, i + 1))
  }
  return isPlainObject(value) && part in value && holds(value[part], parts, i + 1)
}

/** Reads a dotted path through embedded documents (not arrays). */
export function getPath (doc: Document, path: string): unknown {
  let cur: unknown = doc
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined
    cur = cur[part]
  }
  return cur
}

/** Writes a dotted path, creating embedded documents on the way. */
export function setPath (doc: Document, path: string, value: unknown): void {
  const parts = path.split('.')
  let cur = doc
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {}
    cur = cur[part] as Document
  }
  cur[parts[parts.length - 1] ?? ''] = value
}

/** Renders a value the way the mongod shell-style messages do, e.g. in `dup key: { name: "x" }`. */
export function formatValue (v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Date) return `new Date(${v.getTime()})`
  if (typeof v === 'object' && bsonType(v) === 'ObjectId') return `ObjectId('${String(v)}')`
  if (isPlainObject(v)) return formatDocument(v)
  return EJSON.stringify(v, { relaxed: true })
}

/** Renders `{ a: 1, b: "x" }`. */
export function formatDocument (doc: Document): string {
  const fields = Object.keys(doc).map((k) => `${k}: ${formatValue(doc[k])}`)
  return fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}'
}

/** Returns `doc` with `_id` as its first field, as MongoDB stores and returns documents. */
export function idFirst (doc: Document): Document {
  const keys = Object.keys(doc)
  if (keys[0] === '_id' || !keys.includes('_id')) return doc
  const out: Document = { _id: doc._id }
  for (const k of keys) if (k !== '_id') out[k] = doc[k]
  return out
}

/** Whether `v` is a Binary or a Decimal128: values bson decodes as views of their source bytes. */
export function holdsBytes (v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false
  const type = (v as { _bsontype?: string })._bsontype
  return type === 'Binary' || type === 'Decimal128'
}

/** A Binary (UUID included) or Decimal128 with bytes of its own; anything else as is. */
export function ownValue (v: unknown): unknown {
  if (v instanceof UUID) return new UUID(new Uint8Array(v.buffer.subarray(0, v.position)))
  if (v instanceof Binary) return new Binary(new Uint8Array(v.buffer.subarray(0, v.position)), v.sub_type)
  if (v instanceof Decimal128) return new Decimal128(new Uint8Array(v.bytes))
  return v
}
