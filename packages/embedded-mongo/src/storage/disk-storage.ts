import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { debug } from '../debug.js'
import type { Store } from '../engine/store.js'
import { EmbeddedMongoError, USE_ANOTHER_DATABASE } from '../errors.js'
import { fsyncDir, journalFile, journalGeneration } from './files.js'
import { JournalWriter } from './journal-writer.js'
import { acquireLock, type DirLock } from './lock.js'
import { decodeRecord, eachRecordOfFile } from './records.js'
import { readSnapshot, writeSnapshot } from './snapshot.js'

/** Tuning for tests; the defaults suit development databases. */
export interface DiskStorageOptions {
  /** Compact once the journal is larger than this and than the snapshot. */
  compactBytes?: number
  log?: (msg: string) => void
}

const DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024

/**
 * The durable side of a store: a snapshot plus a journal of the changes made since.
 * Opening replays both; compaction writes a new snapshot and starts a new journal.
 */
export class DiskStorage {
  readonly dir: string
  readonly writer: JournalWriter
  readonly #store: Store
  readonly #lock: DirLock
  readonly #compactBytes: number
  readonly #log: (msg: string) => void
  #gen: number
  #snapshotBytes: number

  private constructor (dir: string, store: Store, lock: DirLock, writer: JournalWriter, gen: number, snapshotBytes: number, options: DiskStorageOptions) {
    this.dir = dir
    this.#store = store
    this.#lock = lock
    this.writer = writer
    this.#gen = gen
    this.#snapshotBytes = snapshotBytes
    this.#compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES
    this.#log = options.log ?? (() => {})
    writer.onDurable = () => { this.#maybeCompact() }
  }

  /**
   * Locks `dir`, loads it into `store` and journals every later change.
   * @throws TAO_ERR_EMBEDDED_DIR, TAO_ERR_EMBEDDED_LOCKED, TAO_ERR_EMBEDDED_CORRUPT, TAO_ERR_EMBEDDED_FORMAT
   */
  static open (dir: string, store: Store, options: DiskStorageOptions = {}): DiskStorage {
    const log = options.log ?? (() => {})
    try {
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, '.probe'), '')
      unlinkSync(join(dir, '.probe'))
    } catch (err) {
      throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_DIR',
        `The embedded database directory ${dir} cannot be created or written (${(err as NodeJS.ErrnoException).code ?? String(err)}). Fix its permissions or choose another directory, ${USE_ANOTHER_DATABASE}.`,
        { dir }, { cause: err })
    }
    const lock = acquireLock(dir)
    try {
      // 1. The snapshot, then every journal at least as new, in order.
      const snapshot = readSnapshot(dir, (op) => { store.apply(op) })
      const snapGen = snapshot?.gen ?? 1
      const gens = readdirSync(dir).map(journalGeneration).filter((g): g is number => g !== undefined).sort((a, b) => a - b)
      let journalBytes = 0
      for (const gen of gens) {
        if (gen < snapGen) unlinkSync(journalFile(dir, gen))
        else journalBytes += replayJournal(journalFile(dir, gen), store, log)
      }
      store.finishLoading()
      // 2. Appends go to the newest journal.
      const gen = Math.max(snapGen, ...gens)
      const file = journalFile(dir, gen)
      // The journal's size counts what it held before the restart: otherwise a store restarted
      // often would let it grow by a threshold per start before compacting.
      const writer = new JournalWriter(openSync(file, 'a'), file, journalBytes)
      fsyncDir(dir)
      const storage = new DiskStorage(dir, store, lock, writer, gen, snapshot?.size ?? 0, options)
      store.attach(writer)
      debug('opened %s: snapshot gen %d, %d journal bytes', dir, snapGen, journalBytes)
      if (journalBytes > storage.#threshold()) storage.compact()
      return storage
    } catch (err) {
      lock.release()
      throw err
    }
  }

  #threshold (): number {
    return Math.max(this.#compactBytes, this.#snapshotBytes)
  }

  // Also while records are buffered (steady writes always leave some): the snapshot then
  // already holds their changes, and replaying them again from the new journal is harmless,
  // as every record sets one key (put and del an _id, a collection or an index by name).
  // A rename is the exception (replayed after a new collection took the old name, it would
  // move that one), so compaction waits for a flush without one.
  #maybeCompact (): void {
    if (this.writer.size <= this.#threshold() || this.writer.renameBuffered) return
    try {
      this.compact()
    } catch (err) {
      // Not fatal: the journal stays complete and keeps growing; the next flush tries again.
      this.#log(`Could not compact the embedded database in ${this.dir} (${(err as Error).message}); it keeps working from its journal. Free disk space to let it compact.`)
    }
  }

  /** Writes a snapshot of the store and starts a new journal; older journals are deleted. */
  compact (): void {
    const gen = this.#gen + 1
    const file = journalFile(this.dir, gen)
    // The new journal exists before the snapshot naming it does, so a crash in between
    // leaves the old snapshot plus both journals: still the complete history.
    const fd = openSync(file, 'a')
    fsyncDir(this.dir)
    try {
      this.#snapshotBytes = writeSnapshot(this.dir, gen, this.#store.dump())
    } catch (err) {
      closeSync(fd)
      unlinkSync(file)
      throw err
    }
    this.writer.switchTo(fd, file)
    for (let old = this.#gen; old >= 0 && old < gen; old--) {
      try { unlinkSync(journalFile(this.dir, old)) } catch { break }
    }
    this.#gen = gen
    debug('compacted %s: snapshot gen %d, %d bytes', this.dir, gen, this.#snapshotBytes)
  }

  /** Flushes the journal and releases the directory. */
  async close (): Promise<void> {
    this.#store.attach(null)
    try {
      await this.writer.close()
    } finally {
      this.#lock.release()
    }
  }
}

// Applies one journal file; a bad tail (a write torn by a crash) is cut off. Returns its valid size.
function replayJournal (file: string, store: Store, log: (msg: string) => void): number {
  const scan = eachRecordOfFile(file, (payload) => {
    const record = decodeRecord(payload)
    if (record.op !== 'header' && record.op !== 'end') store.apply(record)
  })
  const size = statSync(file).size
  if (scan.validLength < size) {
    const dropped = size - scan.validLength
    if (scan.damaged) {
      const aside = `${file}.damaged-${Date.now()}`
      copyFileSync(file, aside)
      log(`The embedded database journal ${file} has a damaged record at byte ${scan.validLength}; ${dropped} bytes after it were dropped and a copy of the whole file was kept in ${aside}.`)
    } else {
      debug('%s: dropped a torn tail of %d bytes', file, dropped)
    }
    truncateSync(file, scan.validLength)
  }
  return scan.validLength
}
