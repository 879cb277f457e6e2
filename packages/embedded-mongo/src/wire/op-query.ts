import { HEADER_SIZE, OP_REPLY, ProtocolError, writeHeader } from './framing.js'

/**
 * A parsed legacy OP_QUERY. Drivers still send their first handshake (`hello`/`isMaster`
 * on `admin.$cmd`) this way, before they know the server speaks OP_MSG.
 */
export interface OpQueryRequest {
  flags: number
  collection: string
  query: Buffer
}

/** Parses a complete OP_QUERY message (header included). */
export function parseOpQuery (msg: Buffer): OpQueryRequest {
  const flags = msg.readInt32LE(HEADER_SIZE)
  const nul = msg.indexOf(0, HEADER_SIZE + 4)
  if (nul < 0) throw new ProtocolError('unterminated collection name in OP_QUERY')
  const collection = msg.toString('utf8', HEADER_SIZE + 4, nul)
  const at = nul + 1 + 8 // numberToSkip, numberToReturn
  if (at + 4 > msg.length) throw new ProtocolError('truncated OP_QUERY')
  const size = msg.readInt32LE(at)
  if (size < 5 || at + size > msg.length) throw new ProtocolError(`invalid query document size ${size}`)
  return { flags, collection, query: msg.subarray(at, at + size) }
}

/** Encodes an OP_REPLY holding one document, the answer to an OP_QUERY command. */
export function encodeOpReply (requestId: number, responseTo: number, doc: Uint8Array): Buffer {
  const msg = Buffer.allocUnsafe(HEADER_SIZE + 20 + doc.length)
  writeHeader(msg, requestId, responseTo, OP_REPLY)
  msg.writeInt32LE(0, HEADER_SIZE) // responseFlags
  msg.writeBigInt64LE(0n, HEADER_SIZE + 4) // cursorID
  msg.writeInt32LE(0, HEADER_SIZE + 12) // startingFrom
  msg.writeInt32LE(1, HEADER_SIZE + 16) // numberReturned
  msg.set(doc, HEADER_SIZE + 20)
  return msg
}
