import { BSON, type Document } from 'bson'

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
