/** Wire protocol opcodes this server reads or writes. */
export const OP_REPLY = 1
export const OP_QUERY = 2004
export const OP_COMPRESSED = 2012
export const OP_MSG = 2013

/** Every message starts with this 16-byte header. */
export const HEADER_SIZE = 16

/** The standard message header. */
export interface MessageHeader {
  length: number
  requestId: number
  responseTo: number
  opCode: number
}

/** A malformed message: the connection cannot continue and is closed. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** Reads the header at the start of a complete message. */
export function readHeader (msg: Buffer): MessageHeader {
  return {
    length: msg.readInt32LE(0),
    requestId: msg.readInt32LE(4),
    responseTo: msg.readInt32LE(8),
    opCode: msg.readInt32LE(12),
  }
}

/** Writes a header at the start of `msg`, whose length is the whole buffer. */
export function writeHeader (msg: Buffer, requestId: number, responseTo: number, opCode: number): void {
  msg.writeInt32LE(msg.length, 0)
  msg.writeInt32LE(requestId, 4)
  msg.writeInt32LE(responseTo, 8)
  msg.writeInt32LE(opCode, 12)
}

/**
 * Cuts a TCP byte stream into whole messages. Chunks are only joined once a message is
 * complete, so a 48 MB insert arriving in 64 KB reads is copied once, not once per read.
 */
export class MessageFramer {
  readonly #maxSize: number
  #chunks: Buffer[] = []
  #size = 0
  #expected = -1

  constructor (maxSize: number) {
    this.#maxSize = maxSize
  }

  /** Adds received bytes; returns the messages they complete, header included. */
  push (chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk)
    this.#size += chunk.length
    const out: Buffer[] = []
    for (;;) {
      if (this.#expected < 0) {
        if (this.#size < 4) break
        const length = this.#joined().readInt32LE(0)
        if (length < HEADER_SIZE || length > this.#maxSize) {
          throw new ProtocolError(`message length ${length} is outside ${HEADER_SIZE}..${this.#maxSize}`)
        }
        this.#expected = length
      }
      if (this.#size < this.#expected) break
      const all = this.#joined()
      out.push(all.subarray(0, this.#expected))
      const rest = all.subarray(this.#expected)
      this.#chunks = rest.length > 0 ? [rest] : []
      this.#size = rest.length
      this.#expected = -1
    }
    return out
  }

  #joined (): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)]
    return this.#chunks[0] ?? Buffer.alloc(0)
  }
}
