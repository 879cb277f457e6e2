import { HEADER_SIZE, OP_MSG, ProtocolError, writeHeader } from './framing.js'

/** OP_MSG flag bits. */
export const CHECKSUM_PRESENT = 1
export const MORE_TO_COME = 1 << 1

// Bits 0-15 are "required": a receiver must refuse a message with a required bit it does not know.
const KNOWN_REQUIRED = CHECKSUM_PRESENT | MORE_TO_COME

/** A parsed OP_MSG: its command body and its document sequences (kind 1 sections). */
export interface OpMsgRequest {
  flags: number
  body: Buffer
  sequences: Map<string, Buffer[]>
}

function readDocument (msg: Buffer, at: number, end: number): Buffer {
  if (at + 4 > end) throw new ProtocolError('truncated document in OP_MSG')
  const size = msg.readInt32LE(at)
  if (size < 5 || at + size > end) throw new ProtocolError(`invalid document size ${size} in OP_MSG`)
  return msg.subarray(at, at + size)
}

/** Parses a complete OP_MSG message (header included). */
export function parseOpMsg (msg: Buffer): OpMsgRequest {
  const flags = msg.readUInt32LE(HEADER_SIZE)
  if ((flags & 0xffff & ~KNOWN_REQUIRED) !== 0) throw new ProtocolError(`unsupported OP_MSG flags 0x${flags.toString(16)}`)
  // The CRC-32C trailer is optional; over loopback TCP it adds nothing, so it is skipped, not verified.
  const end = msg.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0)
  let body: Buffer | undefined
  const sequences = new Map<string, Buffer[]>()
  let at = HEADER_SIZE + 4
  while (at < end) {
    const kind = msg[at++]
    if (kind === 0) {
      if (body !== undefined) throw new ProtocolError('OP_MSG has more than one body section')
      body = readDocument(msg, at, end)
      at += body.length
    } else if (kind === 1) {
      const size = msg.readInt32LE(at)
      const sectionEnd = at + size
      if (size < 5 || sectionEnd > end) throw new ProtocolError(`invalid document sequence size ${size}`)
      const nul = msg.indexOf(0, at + 4)
      if (nul < 0 || nul >= sectionEnd) throw new ProtocolError('unterminated document sequence identifier')
      const id = msg.toString('utf8', at + 4, nul)
      const docs: Buffer[] = []
      for (let p = nul + 1; p < sectionEnd;) {
        const doc = readDocument(msg, p, sectionEnd)
        docs.push(doc)
        p += doc.length
      }
      sequences.set(id, docs)
      at = sectionEnd
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`)
    }
  }
  if (body === undefined) throw new ProtocolError('OP_MSG has no body section')
  return { flags, body, sequences }
}

/** Encodes an OP_MSG reply holding one body document. */
export function encodeOpMsg (requestId: number, responseTo: number, doc: Uint8Array): Buffer {
  const msg = Buffer.allocUnsafe(HEADER_SIZE + 5 + doc.length)
  writeHeader(msg, requestId, responseTo, OP_MSG)
  msg.writeUInt32LE(0, HEADER_SIZE)
  msg[HEADER_SIZE + 4] = 0
  msg.set(doc, HEADER_SIZE + 5)
  return msg
}
