import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { debug } from '../debug.js'
import { EmbeddedMongoError, USE_ANOTHER_DATABASE } from '../errors.js'

/** Name of the lock file inside the data directory. */
export const LOCK_FILE = 'LOCK'

// Locks this process holds. A LOCK naming our own pid that is not in here was left by an
// earlier process that had the same pid (pid 1 in a restarted container), so it is stale.
const held = new Set<string>()

/** A held lock on a data directory. */
export interface DirLock {
  readonly path: string
  release (): void
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readPid (path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

// The lock is created complete: the pid is written to a private file, then hard-linked to
// LOCK, which fails with EEXIST (like O_EXCL) if another process holds it. A reader never
// sees an empty LOCK.
function tryCreate (path: string): boolean {
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, `${process.pid}\n`, { flag: 'w' })
  try {
    linkSync(temp, path)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err
    return createExclusive(path)
  } finally {
    unlinkSync(temp)
  }
}

// For filesystems without hard links: O_EXCL create, then write the pid.
function createExclusive (path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' })
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

/**
 * Takes the data directory for this process. A lock left by a dead process is taken over.
 * @throws TAO_ERR_EMBEDDED_LOCKED when a live process (this one included) holds it.
 */
export function acquireLock (dir: string): DirLock {
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) {
      debug('locked %s', path)
      held.add(path)
      // A process that exits without closing the store still leaves no lock behind.
      const onExit = (): void => { release() }
      const release = (): void => {
        process.removeListener('exit', onExit)
        if (!held.delete(path)) return
        if (readPid(path) === process.pid) unlinkSync(path)
      }
      process.once('exit', onExit)
      return { path, release }
    }
    const pid = readPid(path)
    if (pid !== undefined && isAlive(pid) && (pid !== process.pid || held.has(path))) {
      const who = pid === process.pid ? 'this process (another embedded database is already open on it)' : `process ${pid}`
      throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_LOCKED',
        `The embedded database in ${dir} is already in use by ${who} (lock file ${path}). Stop that process, ${USE_ANOTHER_DATABASE}.`,
        { dir, lockFile: path, pid })
    }
    debug('taking over stale lock %s (pid %s)', path, String(pid))
    try {
      unlinkSync(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_LOCKED',
    `The embedded database in ${dir} is being opened by another process at the same time (lock file ${path}). Start only one process on it, ${USE_ANOTHER_DATABASE}.`,
    { dir, lockFile: path })
}
