import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from '../bson/codec.js'
import type { JournalOp } from '../engine/journal.js'
import { EmbeddedMongoError, USE_ANOTHER_DATABASE } from '../errors.js'
import { fsyncDir, SNAPSHOT_FILE, writeAllSync } from './files.js'
import { decodeRecord, eachRecord, encodeRecord, END_OP, frame, HEADER_OP } from './records.js'

const FORMAT = 'tao-embedded-mongo'
const VERSION = 1
const WRITE_CHUNK = 1 << 20

/** A snapshot read back: its generation and size. */
export interface Snapshot {
  gen: number
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

/**
 * Reads the snapshot, if any, passing each change that rebuilds the store to `apply` as it
 * goes (a million documents are never all decoded at once). On damage it throws after some
 * changes were applied: the caller then discards the store.
 * @throws TAO_ERR_EMBEDDED_CORRUPT, TAO_ERR_EMBEDDED_FORMAT
 */
export function readSnapshot (dir: string, apply: (op: JournalOp) => void): Snapshot | undefined {
  const file = join(dir, SNAPSHOT_FILE)
  if (!existsSync(file)) return undefined
  const buf = readFileSync(file)
  let gen: number | undefined
  let ended = false
  const scan = eachRecord(buf, (payload) => {
    const record = decodeRecord(payload, true)
    if (gen === undefined) {
      if (record.op !== 'header' || record.meta.format !== FORMAT) throw damaged(file, 'missing header')
      if (record.meta.version !== VERSION) {
        throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_FORMAT',
          `The embedded database in ${dir} was written in format version ${String(record.meta.version)}, but this version of tao reads version ${VERSION}. Upgrade tao, ${USE_ANOTHER_DATABASE}.`,
          { dir, version: record.meta.version })
      }
      gen = Number(record.meta.gen)
    } else if (record.op === 'end') {
      ended = true
    } else if (record.op !== 'header' && !ended) {
      apply(record)
    }
  })
  if (scan.validLength !== buf.length) throw damaged(file, `bad record at byte ${scan.validLength}`)
  if (gen === undefined) throw damaged(file, 'missing header')
  if (!ended) throw damaged(file, 'missing end marker')
  return { gen, size: buf.length }
}
