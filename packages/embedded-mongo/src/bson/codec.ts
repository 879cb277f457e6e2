import { BSON, type Document } from 'bson'
import { objectIdBytesKey } from '../engine/values.js'

/**
 * Values stay BSON types end to end: Int64 decodes to `Long` (never a lossy number), binary
 * data to `Binary`. Int32 and double become numbers so query and update operators can use them.
 */
const DECODE_OPTIONS = {
  promoteLongs: false,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
  useBigInt64: false,
} as const

const ENCODE_OPTIONS = { checkKeys: false, ignoreUndefined: true, serializeFunctions: false }

/** Decodes one BSON document (the bytes must hold exactly one document). */
export function decode (bytes: Uint8Array): Document {
  return BSON.deserialize(bytes, DECODE_OPTIONS)
}

/** Encodes one document; `undefined` fields are left out as MongoDB does. */
export function encode (doc: Document): Uint8Array {
  return BSON.serialize(doc, ENCODE_OPTIONS)
}

/** Size in bytes of a document once encoded. */
export function encodedSize (doc: Document): number {
  return BSON.calculateObjectSize(doc, ENCODE_OPTIONS)
}

/** The BSON document starting at `offset` in `bytes`, without copying. */
export function documentAt (bytes: Uint8Array, offset: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const size = view.getInt32(offset, true)
  if (size < 5 || offset + size > bytes.length) throw new RangeError(`invalid BSON document size ${size} at offset ${offset}`)
  return bytes.subarray(offset, offset + size)
}

/**
 * The encoded documents of array field `name` in `doc`, without decoding them, so stored
 * documents keep the exact bytes the client sent.
 */
export function rawArrayField (doc: Uint8Array, name: string): Uint8Array[] | undefined {
  const decoder = new TextDecoder()
  for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(doc, 0)) {
    if (type !== 4 || decoder.decode(doc.subarray(nameOffset, nameOffset + nameLength)) !== name) continue
    const array = doc.subarray(offset, offset + length)
    const out: Uint8Array[] = []
    for (const [elType, , , elOffset, elLength] of BSON.onDemand.parseToElements(array, 0)) {
      if (elType !== 3) return undefined
      out.push(array.subarray(elOffset, elOffset + elLength))
    }
    return out
  }
  return undefined
}

// Bytes a value of each fixed-size BSON type takes; -1 for the variable-size ones.
const FIXED_SIZES = new Int8Array(256).fill(-1)
for (const [type, size] of [[1, 8], [6, 0], [7, 12], [8, 1], [9, 8], [10, 0], [16, 4], [17, 8], [18, 8], [19, 16], [127, 0], [255, 0]] as const) FIXED_SIZES[type] = size

// The index of the next NUL byte from `at`, or -1: element names are a few bytes long, so a
// plain loop beats Buffer#indexOf's native call.
function nulAt (bytes: Uint8Array, at: number): number {
  for (let i = at; i < bytes.length; i++) if (bytes[i] === 0) return i
  return -1
}

function int32 (bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) | (bytes[at + 1] as number) << 8 | (bytes[at + 2] as number) << 16 | (bytes[at + 3] as number) << 24)
}

// The size of the value of type `type` at `at`, or -1 for a type this walker does not know.
function valueSize (bytes: Uint8Array, type: number, at: number): number {
  const fixed = FIXED_SIZES[type] as number
  if (fixed >= 0) return fixed
  if (at + 4 > bytes.length) return -1
  switch (type) {
    case 2: case 13: case 14: return 4 + int32(bytes, at)
    case 3: case 4: case 15: return int32(bytes, at)
    case 5: return 5 + int32(bytes, at)
    case 12: return 4 + int32(bytes, at) + 12
    case 11: {
      const end = bytes.indexOf(0, bytes.indexOf(0, at) + 1)
      return end < 0 ? -1 : end + 1 - at
    }
    default: return -1
  }
}

/**
 * Decodes a command document, leaving out its `lsid`, which goes to `onLsid` still encoded
 * (its bytes are `bytes[start..end)`): decoding the session id (a nested document holding a
 * UUID) costs about a third of decoding a find, and a known session is recognised from its bytes.
 */
export function decodeCommand (encoded: Uint8Array, onLsid?: (bytes: Buffer, start: number, end: number) => void): Document {
  const bytes = Buffer.isBuffer(encoded) ? encoded : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length)
  const length = bytes.length
  if (length < 5 || int32(bytes, 0) !== length) return decode(bytes)
  for (let at = 4; at < length - 1;) {
    const start = at
    const type = bytes[at++] as number
    const nameEnd = nulAt(bytes, at)
    if (nameEnd < 0) break
    // 'lsid'
    const isLsid = type === 3 && nameEnd - at === 4 && bytes[at] === 0x6c && bytes[at + 1] === 0x73 && bytes[at + 2] === 0x69 && bytes[at + 3] === 0x64
    at = nameEnd + 1
    const size = valueSize(bytes, type, at)
    if (size < 0 || at + size > length - 1) break
    at += size
    if (isLsid) {
      onLsid?.(bytes, nameEnd + 1, at)
      // The command without the lsid element: copied natively, no views made.
      const outLength = length - (at - start)
      const out = Buffer.allocUnsafe(outLength)
      bytes.copy(out, 0, 0, start)
      bytes.copy(out, start, at, length)
      out.writeInt32LE(outLength, 0)
      return decode(out)
    }
  }
  // Malformed or no lsid: the serializer decodes it (and reports what is wrong).
  return decode(bytes)
}

/**
 * The `_id` map key (`valueKey`) of an encoded document whose `_id` is an ObjectId in first
 * place, read from the bytes without decoding; undefined otherwise. Loading a million
 * documents this way spares a million small decodes.
 */
export function objectIdKey (bytes: Uint8Array): string | undefined {
  if (bytes.length < 22 || bytes[4] !== 7 || bytes[5] !== 0x5f || bytes[6] !== 0x69 || bytes[7] !== 0x64 || bytes[8] !== 0) return undefined
  return objectIdBytesKey(bytes, 9)
}

/** The `_id` of an encoded document, decoding only that field when it comes first (as stored documents have it). */
export function decodeId (bytes: Uint8Array): unknown {
  // type byte, then '_id\0' at offset 5
  if (bytes.length > 9 && bytes[5] === 0x5f && bytes[6] === 0x69 && bytes[7] === 0x64 && bytes[8] === 0) {
    const size = valueSize(bytes, bytes[4] as number, 9)
    if (size >= 0 && 9 + size < bytes.length) {
      const one = new Uint8Array(9 + size + 1)
      one.set(bytes.subarray(0, 9 + size), 0)
      new DataView(one.buffer).setInt32(0, one.length, true)
      return decode(one)._id
    }
  }
  return decode(bytes)._id
}

/**
 * Decodes only the top-level fields named in `names` (UTF-8 bytes) of an encoded document, or
 * returns undefined if the bytes are not a well-formed document. Index builds read a field or
 * two of each document this way instead of decoding all of it.
 */
export function decodeFields (bytes: Uint8Array, names: readonly Uint8Array[]): Document | undefined {
  const length = bytes.length
  if (length < 5 || int32(bytes, 0) !== length) return undefined
  const parts: Array<[number, number]> = []
  let size = 5
  for (let at = 4; at < length - 1;) {
    const start = at
    const type = bytes[at++] as number
    const nameEnd = nulAt(bytes, at)
    if (nameEnd < 0) return undefined
    const nameLength = nameEnd - at
    const wanted = names.some((name) => {
      if (name.length !== nameLength) return false
      for (let i = 0; i < nameLength; i++) if (name[i] !== bytes[at + i]) return false
      return true
    })
    at = nameEnd + 1
    const valueLength = valueSize(bytes, type, at)
    if (valueLength < 0 || at + valueLength > length - 1) return undefined
    at += valueLength
    if (wanted) {
      parts.push([start, at])
      size += at - start
    }
  }
  const out = new Uint8Array(size)
  new DataView(out.buffer).setInt32(0, size, true)
  let to = 4
  for (const [from, end] of parts) {
    out.set(bytes.subarray(from, end), to)
    to += end - from
  }
  return decode(out)
}

/**
 * A copy of `bytes` in a buffer of exactly its size, for bytes to decode into values kept
 * long: bson decodes binary values as views of their source, and Buffer.from would copy small
 * ones into Node's shared 8 KiB pool, which a kept value would then hold whole.
 */
export function ownBytes (bytes: Uint8Array): Buffer {
  return Buffer.from(new Uint8Array(bytes).buffer)
}

// Stored documents are copied into slabs of their own. Node's shared 8 KiB pool would mix
// them with short-lived buffers (journal records, replies), and one live document then keeps
// a whole pool slab of garbage alive: at a million documents, twice their size in memory.
// Slabs stay small: a slab lives as long as any document in it, so after many updates a
// large one would be mostly dead versions.
const SLAB_BYTES = 8 * 1024
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
let slabUsed = 0

/** A copy of a document's bytes to keep for as long as the document is stored. */
export function storedCopy (bytes: Uint8Array): Buffer {
  const length = bytes.length
  if (length > SLAB_BYTES / 8) {
    const own = Buffer.allocUnsafeSlow(length)
    own.set(bytes)
    return own
  }
  if (slabUsed + length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    slabUsed = 0
  }
  const out = slab.subarray(slabUsed, slabUsed + length)
  out.set(bytes)
  slabUsed += length
  return out
}
