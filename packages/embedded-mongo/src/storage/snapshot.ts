import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from '../bson/codec.js'
import type { JournalOp } from '../engine/journal.js'
import { EmbeddedMongoError, USE_ANOTHER_DATABASE } from '../errors.js'
import { fsyncDir, SNAPSHOT_FILE, writeAllSync } from './files.js'
import { decodeRecord, encodeRecord, END_OP, frame, HEADER_OP, scanRecords } from './records.js'

const FORMAT = 'tao-embedded-mongo'
const VERSION = 1
const WRITE_CHUNK = 1 << 20

/** A snapshot read back: its generation and the changes that rebuild the store. */
export interface Snapshot {
  gen: number
  ops: JournalOp[]
  size: number
}

/**
 * Writes the whole store as a snapshot of generation `gen`, atomically: into a temporary
 * file, fsynced, then renamed over the previous snapshot. Returns its size in bytes.
 */
export function writeSnapshot (dir: string, gen: number, ops: Iterable<JournalOp>): number {
  const final = join(dir, SNAPSHOT_FILE)
  const temp = `${final}.tmp`
  const fd = openSync(temp, 'w')
  let size = 0
  try {
    let chunk: Buffer[] = []
    let chunkBytes = 0
    const push = (record: Buffer): void => {
      chunk.push(record)
      chunkBytes += record.length
      if (chunkBytes < WRITE_CHUNK) return
      writeAllSync(fd, Buffer.concat(chunk))
      size += chunkBytes
      chunk = []
      chunkBytes = 0
    }
    push(frame(HEADER_OP, '', encode({ format: FORMAT, version: VERSION, gen, createdAt: new Date() })))
    for (const op of ops) push(encodeRecord(op))
    push(frame(END_OP, '', new Uint8Array(0)))
    writeAllSync(fd, Buffer.concat(chunk))
    size += chunkBytes
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, final)
  fsyncDir(dir)
  return size
}

function damaged (file: string, why: string): EmbeddedMongoError {
  return new EmbeddedMongoError('TAO_ERR_EMBEDDED_CORRUPT',
    `The embedded database snapshot ${file} is damaged (${why}). Restore the directory from a backup, or move it away to start empty, ${USE_ANOTHER_DATABASE}.`,
    { file })
}

/** Reads the snapshot, if any. @throws TAO_ERR_EMBEDDED_CORRUPT, TAO_ERR_EMBEDDED_FORMAT */
export function readSnapshot (dir: string): Snapshot | undefined {
  const file = join(dir, SNAPSHOT_FILE)
  if (!existsSync(file)) return undefined
  const buf = readFileSync(file)
  const scan = scanRecords(buf)
  if (scan.validLength !== buf.length) throw damaged(file, `bad record at byte ${scan.validLength}`)
  const records = scan.payloads.map(decodeRecord)
  const header = records[0]
  if (header?.op !== 'header' || header.meta.format !== FORMAT) throw damaged(file, 'missing header')
  if (records[records.length - 1]?.op !== 'end') throw damaged(file, 'missing end marker')
  if (header.meta.version !== VERSION) {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_FORMAT',
      `The embedded database in ${dir} was written in format version ${String(header.meta.version)}, but this version of tao reads version ${VERSION}. Upgrade tao, ${USE_ANOTHER_DATABASE}.`,
      { dir, version: header.meta.version })
  }
  const ops = records.slice(1, -1).filter((r): r is JournalOp => r.op !== 'header' && r.op !== 'end')
  return { gen: Number(header.meta.gen), ops, size: buf.length }
}
