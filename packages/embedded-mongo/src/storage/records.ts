import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import type { Binary, Document } from 'bson'
import { decode, encode, ownBytes, storedCopy } from '../bson/codec.js'
import type { JournalOp } from '../engine/journal.js'

/*
 * Record framing, shared by the journal and the snapshot:
 *   u32 payload length | u32 crc32(payload) | payload
 * payload = u8 opcode | u16 namespace length | namespace (utf8) | body (BSON, per opcode)
 * The checksum lets recovery tell a torn final write from valid data.
 */
const FRAME_HEADER = 8

const OPCODES = { put: 1, del: 2, createCollection: 3, dropCollection: 4, createIndex: 5, dropIndex: 6, rename: 7 } as const
/** Snapshot-only records. */
export const HEADER_OP = 100
export const END_OP = 101

function body (op: JournalOp): Uint8Array {
  switch (op.op) {
    case 'put': return op.raw
    case 'del': return encode({ _id: op.id })
    case 'createCollection': return encode({ options: op.options, uuid: op.uuid })
    case 'dropCollection': return new Uint8Array(0)
    case 'createIndex': return encode(op.spec)
    case 'dropIndex': return encode({ name: op.name })
    case 'rename': return encode({ to: op.to })
  }
}

/** Frames a payload with its length and checksum. */
export function frame (opcode: number, ns: string, data: Uint8Array): Buffer {
  const nsBytes = Buffer.from(ns, 'utf8')
  const payloadLength = 3 + nsBytes.length + data.length
  const out = Buffer.allocUnsafe(FRAME_HEADER + payloadLength)
  out.writeUInt32LE(payloadLength, 0)
  out[FRAME_HEADER] = opcode
  out.writeUInt16LE(nsBytes.length, FRAME_HEADER + 1)
  out.set(nsBytes, FRAME_HEADER + 3)
  out.set(data, FRAME_HEADER + 3 + nsBytes.length)
  out.writeUInt32LE(crc32(out.subarray(FRAME_HEADER)), 4)
  return out
}

/** Encodes one change as a framed record. */
export function encodeRecord (op: JournalOp): Buffer {
  return frame(OPCODES[op.op], op.ns, body(op))
}

/** A decoded record: a change, or a snapshot header/end marker. */
export type Record = JournalOp | { op: 'header', meta: Document } | { op: 'end' }

/**
 * Decodes a payload checked by {@link scanRecords}. A stored document is copied out of the
 * file's buffer unless `share` is set: a snapshot's documents then stay in that one buffer
 * (a million small buffers would cost as much again in memory and time).
 */
export function decodeRecord (payload: Buffer, share = false): Record {
  const opcode = payload[0]
  const nsLength = payload.readUInt16LE(1)
  const ns = payload.toString('utf8', 3, 3 + nsLength)
  const data = payload.subarray(3 + nsLength)
  switch (opcode) {
    case OPCODES.put: return { op: 'put', ns, raw: share ? data : storedCopy(data) }
    case OPCODES.del: return { op: 'del', ns, id: decode(data)._id }
    // What these records decode to lives as long as the collection or index, and bson decodes
    // binary values (the collection's UUID) as views of the bytes they come from: decoded from
    // the file's buffer, one UUID kept a restarted store's whole snapshot (250 MB at a million
    // documents) in memory for good. They are decoded from a copy of their own.
    case OPCODES.createCollection: {
      const { options, uuid } = decode(ownBytes(data))
      return { op: 'createCollection', ns, options: options as Document, uuid: uuid as Binary }
    }
    case OPCODES.dropCollection: return { op: 'dropCollection', ns }
    case OPCODES.createIndex: return { op: 'createIndex', ns, spec: decode(ownBytes(data)) }
    case OPCODES.dropIndex: return { op: 'dropIndex', ns, name: String(decode(data).name) }
    case OPCODES.rename: return { op: 'rename', ns, to: String(decode(data).to) }
    case HEADER_OP: return { op: 'header', meta: decode(data) }
    case END_OP: return { op: 'end' }
    default: throw new RangeError(`unknown record opcode ${String(opcode)}`)
  }
}

/** The outcome of reading a record file. */
export interface Scan {
  payloads: Buffer[]
  /** Bytes of whole, valid records from the start of the file; anything after is dropped. */
  validLength: number
  /**
   * True when an intact record follows the first bad one. A crash only tears the tail
   * (writes after the last fsync), so this hints at damage and the dropped bytes are kept aside.
   */
  damaged: boolean
}

// How far past a bad record to look for intact ones; a torn batch is at most one write.
const DAMAGE_WINDOW = 1 << 20

function recordAt (buf: Buffer, at: number): Buffer | undefined {
  if (at + FRAME_HEADER > buf.length) return undefined
  const length = buf.readUInt32LE(at)
  const end = at + FRAME_HEADER + length
  if (length < 3 || end > buf.length) return undefined
  const payload = buf.subarray(at + FRAME_HEADER, end)
  return crc32(payload) === buf.readUInt32LE(at + 4) ? payload : undefined
}

/**
 * Calls `each` with every framed record's payload up to the first bad one (a torn write, or
 * damage), without collecting them: a snapshot holds a record per document.
 */
export function eachRecord (buf: Buffer, each: (payload: Buffer) => void): Omit<Scan, 'payloads'> {
  let at = 0
  while (at < buf.length) {
    const payload = recordAt(buf, at)
    if (payload === undefined) return { validLength: at, damaged: validRecordAfter(buf, at) }
    each(payload)
    at += FRAME_HEADER + payload.length
  }
  return { validLength: at, damaged: false }
}

// Bytes of a record file read at a time by eachRecordOfFile.
const READ_CHUNK = 4 << 20

/**
 * {@link eachRecord} over a file read a few megabytes at a time: replaying a journal as large
 * as the snapshot (about the data's size) then never holds the whole file, whose documents
 * are copied out anyway. Payloads are views of a buffer that later reads do not reuse.
 * `chunk` is the read size (tests lower it to cross chunk boundaries often).
 */
export function eachRecordOfFile (file: string, each: (payload: Buffer) => void, chunk = READ_CHUNK): Omit<Scan, 'payloads'> {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    let pos = 0
    while (pos < size) {
      // A chunk from the next record on, grown to hold that record whole if it is larger.
      let length = Math.min(chunk, size - pos)
      if (length >= FRAME_HEADER) {
        const header = Buffer.allocUnsafe(4)
        readSync(fd, header, 0, 4, pos)
        length = Math.min(size - pos, Math.max(length, FRAME_HEADER + header.readUInt32LE(0)))
      }
      const buf = Buffer.allocUnsafe(length)
      readAllSync(fd, buf, pos)
      let at = 0
      for (;;) {
        const payload = recordAt(buf, at)
        if (payload === undefined) break
        each(payload)
        at += FRAME_HEADER + payload.length
      }
      // A record cut by the chunk's end is read whole with the next chunk. Anything else
      // (a record cut by the file's end, a failed checksum) ends the valid part.
      const rest = buf.length - at
      const cutByChunk = at > 0 && pos + length < size &&
        (rest < FRAME_HEADER || pos + at + FRAME_HEADER + buf.readUInt32LE(at) <= size)
      if (rest === 0 || cutByChunk) {
        pos += at
        continue
      }
      const tail = Buffer.allocUnsafe(size - pos - at)
      readAllSync(fd, tail, pos + at)
      return { validLength: pos + at, damaged: validRecordAfter(tail, 0) }
    }
    return { validLength: pos, damaged: false }
  } finally {
    closeSync(fd)
  }
}

function readAllSync (fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length;) {
    const n = readSync(fd, buf, done, buf.length - done, position + done)
    if (n === 0) throw new RangeError(`unexpected end of file at byte ${position + done}`)
    done += n
  }
}

/** Reads framed records up to the first bad one (a torn write, or damage). */
export function scanRecords (buf: Buffer): Scan {
  const payloads: Buffer[] = []
  return { payloads, ...eachRecord(buf, (payload) => payloads.push(payload)) }
}

function validRecordAfter (buf: Buffer, from: number): boolean {
  const last = Math.min(buf.length, from + DAMAGE_WINDOW) - FRAME_HEADER
  for (let at = from + 1; at <= last; at++) if (recordAt(buf, at) !== undefined) return true
  return false
}
