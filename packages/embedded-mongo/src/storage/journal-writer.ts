import { close, fdatasync, write } from 'node:fs'
import { promisify } from 'node:util'
import { debug } from '../debug.js'
import type { Journal, JournalOp } from '../engine/journal.js'
import { EmbeddedMongoError } from '../errors.js'
import { encodeRecord } from './records.js'

const writeAsync = promisify(write)
const fdatasyncAsync = promisify(fdatasync)
const closeAsync = promisify(close)

/**
 * Appends change records to the journal file. Records are buffered while a command runs;
 * {@link sync} writes and fdatasyncs everything buffered, so all writes that arrive during
 * one fsync share the next one (group commit) and a reply is only sent once its changes are on disk.
 */
export class JournalWriter implements Journal {
  #fd: number
  #file: string
  #pending: Buffer[] = []
  #pendingRenames = 0
  #appended = 0
  #durable = 0
  #flushing: Promise<void> | null = null
  #failure: EmbeddedMongoError | null = null
  /** Bytes in the current journal file. */
  size: number
  /** Called after each flush, while no other flush can run. */
  onDurable: () => void = () => {}

  constructor (fd: number, file: string, size: number) {
    this.#fd = fd
    this.#file = file
    this.size = size
  }

  /** Number of records appended so far; compare before and after a command to see if it wrote. */
  get appended (): number {
    return this.#appended
  }

  /** Records appended but not yet written. */
  get buffered (): number {
    return this.#pending.length
  }

  /** Whether a buffered record renames a collection: the one change whose replay depends on other state. */
  get renameBuffered (): boolean {
    return this.#pendingRenames > 0
  }

  write (op: JournalOp): void {
    if (this.#failure !== null) throw this.#failure
    this.#pending.push(encodeRecord(op))
    if (op.op === 'rename') this.#pendingRenames++
    this.#appended++
  }

  /** Resolves once every record appended before the call is durable. */
  async sync (): Promise<void> {
    const target = this.#appended
    while (this.#durable < target) {
      if (this.#failure !== null) throw this.#failure
      this.#flushing ??= this.#flush().finally(() => { this.#flushing = null })
      await this.#flushing
    }
  }

  /** Continues in a new journal file (after a compaction); the old one is closed. */
  switchTo (fd: number, file: string): void {
    const old = this.#fd
    this.#fd = fd
    this.#file = file
    this.size = 0
    closeAsync(old).catch((err: unknown) => { debug('closing old journal failed: %s', String(err)) })
  }

  async close (): Promise<void> {
    await this.sync()
    await closeAsync(this.#fd)
  }

  async #flush (): Promise<void> {
    const batch = this.#pending
    this.#pending = []
    this.#pendingRenames = 0
    const data = Buffer.concat(batch)
    try {
      for (let at = 0; at < data.length;) at += (await writeAsync(this.#fd, data, at, data.length - at)).bytesWritten
      await fdatasyncAsync(this.#fd)
    } catch (err) {
      // Later writes cannot be ordered after a lost one, so the store stops accepting writes.
      this.#failure = new EmbeddedMongoError('TAO_ERR_EMBEDDED_IO',
        `Could not write the embedded database journal ${this.#file}: ${(err as Error).message}. Free disk space or fix permissions, then restart the process.`,
        { file: this.#file }, { cause: err })
      throw this.#failure
    }
    this.size += data.length
    this.#durable += batch.length
    debug('journal: %d records, %d bytes durable', batch.length, data.length)
    this.onDurable()
  }
}
