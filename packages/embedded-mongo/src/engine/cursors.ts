import { randomInt } from 'node:crypto'
import { Long } from 'bson'
import { cursorReply } from '../bson/compose.js'
import { debug } from '../debug.js'
import { CommandError } from './command-error.js'

/** Encodes a slice of a cursor's items (stored entries or computed documents), one encoded document per item. */
export type BatchEncoder<T> = (items: T[]) => Uint8Array[]

/** MongoDB's first-batch default. */
export const DEFAULT_BATCH_SIZE = 101

// A reply must stay under maxBsonObjectSize; the margin leaves room for the cursor fields.
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024
const IDLE_TIMEOUT_MS = 10 * 60 * 1000
const ENCODE_CHUNK = 1000

interface OpenCursor {
  ns: string
  items: unknown[]
  pos: number
  encode: BatchEncoder<unknown>
  lastUsed: number
}

/**
 * Open cursors of the server. A cursor holds the results it was created with (a snapshot),
 * encodes them batch by batch, and dies when exhausted, killed, or idle for 10 minutes.
 */
export class CursorRegistry {
  readonly #cursors = new Map<string, OpenCursor>()
  readonly #timer = setInterval(() => { this.#sweep() }, 60_000).unref()

  /** Replies to find/aggregate/list*: the first batch, and a cursor id if more remain. */
  open<T> (ns: string, items: T[], encode: BatchEncoder<T>, batchSize: number | undefined, singleBatch = false): Buffer {
    const cursor: OpenCursor = { ns, items, pos: 0, encode: encode as BatchEncoder<unknown>, lastUsed: Date.now() }
    const size = batchSize ?? DEFAULT_BATCH_SIZE
    // batchSize 0 asks for an empty first batch: the cursor is opened, results come with getMore.
    const batch = size === 0 ? [] : take(cursor, size)
    let id = Long.ZERO
    if (!singleBatch && cursor.pos < items.length) {
      id = Long.fromNumber(randomInt(1, 2 ** 47))
      this.#cursors.set(id.toString(), cursor)
      debug('cursor %s opened on %s (%d items)', id.toString(), ns, items.length)
    }
    return cursorReply('firstBatch', batch, { id, ns })
  }

  /** Replies to getMore. @throws CommandError CursorNotFound */
  more (id: Long, batchSize: number | undefined): Buffer {
    const key = id.toString()
    const cursor = this.#cursors.get(key)
    if (cursor === undefined) throw new CommandError('CursorNotFound', `cursor id ${key} not found`)
    cursor.lastUsed = Date.now()
    const batch = take(cursor, batchSize ?? 0)
    let replyId = id
    if (cursor.pos >= cursor.items.length) {
      this.#cursors.delete(key)
      replyId = Long.ZERO
    }
    return cursorReply('nextBatch', batch, { id: replyId, ns: cursor.ns })
  }

  /** Kills cursors; returns which existed. */
  kill (ids: Long[]): { killed: Long[], notFound: Long[] } {
    const killed: Long[] = []
    const notFound: Long[] = []
    for (const id of ids) (this.#cursors.delete(id.toString()) ? killed : notFound).push(id)
    return { killed, notFound }
  }

  close (): void {
    clearInterval(this.#timer)
    this.#cursors.clear()
  }

  #sweep (): void {
    const limit = Date.now() - IDLE_TIMEOUT_MS
    for (const [key, cursor] of this.#cursors) if (cursor.lastUsed < limit) this.#cursors.delete(key)
  }
}

// Up to `count` items (0: as many as fit), never more than MAX_BATCH_BYTES unless one document alone is larger.
function take (cursor: OpenCursor, count: number): Uint8Array[] {
  const limit = count > 0 ? count : Infinity
  const out: Uint8Array[] = []
  let bytes = 0
  while (cursor.pos < cursor.items.length && out.length < limit) {
    const chunk = cursor.items.slice(cursor.pos, cursor.pos + Math.min(limit - out.length, ENCODE_CHUNK))
    for (const doc of cursor.encode(chunk)) {
      if (out.length > 0 && bytes + doc.length > MAX_BATCH_BYTES) return out
      out.push(doc)
      bytes += doc.length
      cursor.pos++
    }
  }
  return out
}
