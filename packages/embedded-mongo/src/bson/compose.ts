import { BSON, type Document, type Long } from 'bson'
import { encode } from './codec.js'

const TYPE_DOCUMENT = 0x03
const TYPE_ARRAY = 0x04

/**
 * Builds a BSON document from already-encoded elements. Replies embed stored documents
 * this way, so a find sends the bytes it holds instead of decoding and re-encoding them.
 */
export function composeDocument (elements: Uint8Array[]): Buffer {
  let size = 5
  for (const e of elements) size += e.length
  const out = Buffer.allocUnsafe(size)
  out.writeInt32LE(size, 0)
  let at = 4
  for (const e of elements) {
    out.set(e, at)
    at += e.length
  }
  out[at] = 0
  return out
}

function element (type: number, name: string, value: Uint8Array): Buffer {
  const nameBytes = Buffer.from(name, 'utf8')
  const out = Buffer.allocUnsafe(1 + nameBytes.length + 1 + value.length)
  out[0] = type
  out.set(nameBytes, 1)
  out[1 + nameBytes.length] = 0
  out.set(value, 2 + nameBytes.length)
  return out
}

/** An embedded-document element `name: <doc>` from an encoded document. */
export function documentElement (name: string, doc: Uint8Array): Buffer {
  return element(TYPE_DOCUMENT, name, doc)
}

/** An array element `name: [<doc>, ...]` from encoded documents. */
export function arrayElement (name: string, docs: Uint8Array[]): Buffer {
  return element(TYPE_ARRAY, name, composeDocument(docs.map((d, i) => documentElement(String(i), d))))
}

/** The encoded elements of a plain document, to splice into a composed one. */
export function elementsOf (doc: Document): Uint8Array {
  const bytes = encode(doc)
  return bytes.subarray(4, bytes.length - 1)
}

// Array indexes as BSON element names ('0', '1', ...), encoded once.
const INDEX_NAMES: Buffer[] = []
function indexName (i: number): Buffer {
  INDEX_NAMES[i] ??= Buffer.from(`${i}\0`, 'latin1')
  return INDEX_NAMES[i]
}

const TYPE_STRING = 0x02
const TYPE_INT32 = 0x10
const TYPE_INT64 = 0x12

// The fixed names of a cursor reply, encoded once (type byte, name, NUL).
const CURSOR = Buffer.from('\x03cursor\0', 'latin1')
const BATCH_NAMES = { firstBatch: Buffer.from('\x04firstBatch\0', 'latin1'), nextBatch: Buffer.from('\x04nextBatch\0', 'latin1') }
const ID = Buffer.from(`${String.fromCharCode(TYPE_INT64)}id\0`, 'latin1')
const NS = Buffer.from(`${String.fromCharCode(TYPE_STRING)}ns\0`, 'latin1')
const OK = Buffer.from([TYPE_INT32, 0x6f, 0x6b, 0, 1, 0, 0, 0])

/**
 * A cursor reply `{ cursor: { <batchName>: [...], id, ns }, ok: 1 }` around encoded documents,
 * written in one pass into one buffer: every find answers with one, so it avoids the
 * intermediate buffers and the serializer.
 */
export function cursorReply (batchName: 'firstBatch' | 'nextBatch', docs: Uint8Array[], cursor: { id: Long, ns: string }): Buffer {
  const nsLength = Buffer.byteLength(cursor.ns, 'utf8')
  const batch = BATCH_NAMES[batchName]
  let arraySize = 5
  for (let i = 0; i < docs.length; i++) arraySize += 1 + indexName(i).length + (docs[i] as Uint8Array).length
  const innerSize = 4 + (batch.length + arraySize) + (ID.length + 8) + (NS.length + 4 + nsLength + 1) + 1
  const size = 4 + (CURSOR.length + innerSize) + OK.length + 1
  const out = Buffer.allocUnsafe(size)
  let at = out.writeInt32LE(size, 0)
  out.set(CURSOR, at)
  at = out.writeInt32LE(innerSize, at + CURSOR.length)
  out.set(batch, at)
  at = out.writeInt32LE(arraySize, at + batch.length)
  for (let i = 0; i < docs.length; i++) {
    out[at++] = TYPE_DOCUMENT
    const name = indexName(i)
    out.set(name, at)
    at += name.length
    const doc = docs[i] as Uint8Array
    out.set(doc, at)
    at += doc.length
  }
  out[at++] = 0
  out.set(ID, at)
  at = out.writeInt32LE(cursor.id.low, at + ID.length)
  at = out.writeInt32LE(cursor.id.high, at)
  out.set(NS, at)
  at = out.writeInt32LE(nsLength + 1, at + NS.length)
  at += out.write(cursor.ns, at, nsLength, 'utf8')
  out[at++] = 0
  out[at++] = 0
  out.set(OK, at)
  out[at + OK.length] = 0
  return out
}

function isIdName (bytes: Uint8Array, at: number, length: number): boolean {
  return length === 3 && bytes[at] === 0x5f && bytes[at + 1] === 0x69 && bytes[at + 2] === 0x64
}

/**
 * A copy of an encoded document with `_id` as its first field, as MongoDB stores it: the
 * driver appends the `_id` it generates. With `id`, that `_id` is added first. Bytes are
 * moved, values never re-encoded.
 */
export function withIdFirst (raw: Uint8Array, id?: unknown): Buffer {
  const body = raw.subarray(4, raw.length - 1)
  if (id !== undefined) return composeDocument([elementsOf({ _id: id }), body])
  let first = true
  for (const [, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(raw, 0)) {
    if (isIdName(raw, nameOffset, nameLength)) {
      if (first) break
      const start = nameOffset - 1
      const end = offset + length
      return composeDocument([raw.subarray(start, end), raw.subarray(4, start), raw.subarray(end, raw.length - 1)])
    }
    first = false
  }
  return Buffer.from(raw)
}
