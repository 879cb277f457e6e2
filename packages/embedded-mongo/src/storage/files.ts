import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** The snapshot file, replaced atomically at each compaction. */
export const SNAPSHOT_FILE = 'snapshot.tdb'

/** The journal of generation `gen`: the changes made after snapshot `gen` was written. */
export function journalFile (dir: string, gen: number): string {
  return join(dir, `journal-${String(gen).padStart(6, '0')}.log`)
}

/** The generation of a journal file name, or undefined for other files. */
export function journalGeneration (name: string): number | undefined {
  const match = /^journal-(\d+)\.log$/.exec(name)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** Makes a directory's entries (new, renamed, deleted files) durable. */
export function fsyncDir (dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; their renames are durable anyway.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Writes all of `data` at the current position of `fd`. */
export function writeAllSync (fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at)
}
