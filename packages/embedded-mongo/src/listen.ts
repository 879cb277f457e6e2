import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { connect, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedMongoError } from './errors.js'

/**
 * How clients reach the store. `'tcp'`: host and port on loopback. `'unix'`: a unix domain
 * socket in a private directory made for it. `'auto'`: `'unix'` where the platform has unix
 * sockets and no host or port was given, `'tcp'` otherwise.
 */
export type Transport = 'tcp' | 'unix' | 'auto'

/** Where a started server listens. */
export interface Listening {
  /** The connection string for the official driver. */
  readonly uri: string
  /** For messages: `host:port`, or the socket's path. */
  readonly address: string
  /** The TCP port; 0 on a unix socket. */
  readonly port: number
  /** The socket's path with transport 'unix'. */
  readonly socketPath: string | undefined
  /** Removes what listening made (the socket's private directory); call it after the server closed. */
  cleanup (): void
}

// sun_path holds 108 bytes on Linux and 104 on macOS, its terminating NUL included.
const MAX_SOCKET_PATH = 103

/** Whether a unix socket is the transport for these options. */
export function usesUnixSocket (transport: Transport, explicitAddress: boolean): boolean {
  if (transport === 'tcp') return false
  if (transport === 'unix') return true
  return process.platform !== 'win32' && !explicitAddress && socketPathFor(join(tmpdir(), `${DIR_PREFIX}${process.pid}-XXXXXX`)).length <= MAX_SOCKET_PATH
}

const socketPathFor = (dir: string): string => join(dir, 'mongodb.sock')

// A socket's directory is named after its process: tao-db-<pid>-<random>.
const DIR_PREFIX = 'tao-db-'
const OWNED_DIR = /^tao-db-(\d+)-[A-Za-z0-9]{6}$/

/** False once `pid` has exited: no process has it (one of another user's still counts). */
function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** True when something accepts connections on the unix socket at `path`. */
function listening (path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'))
  })
}

/**
 * Removes the socket directories of this user's stores whose process is gone: a killed
 * process (SIGKILL, the OOM killer) cannot remove its own, and each would stay in the
 * temporary directory. A directory is removed only when its process id is not running and
 * nothing listens on its socket (a store of another pid namespace sharing the directory still
 * answers); one of another user is left alone.
 */
export async function sweepDeadSocketDirs (dir = tmpdir()): Promise<number> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  const uid = process.getuid?.()
  let removed = 0
  for (const name of names) {
    const m = OWNED_DIR.exec(name)
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue
    const path = join(dir, name)
    try {
      const st = statSync(path)
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue
      if (await listening(socketPathFor(path))) continue
      rmSync(path, { recursive: true, force: true })
      removed++
    } catch {}
  }
  return removed
}

function listenError (where: string, err: NodeJS.ErrnoException, hint: string): EmbeddedMongoError {
  return new EmbeddedMongoError('TAO_ERR_EMBEDDED_LISTEN',
    `The embedded database could not listen on ${where} (${err.code ?? err.message}). ${hint}`,
    { address: where }, { cause: err })
}

function listenOn (server: Server, target: string | { host: string, port: number }, onError: (err: NodeJS.ErrnoException) => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(onError(err)))
    if (typeof target === 'string') server.listen(target, resolve)
    else server.listen(target.port, target.host, resolve)
  })
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function listenTcp (server: Server, host: string, port: number): Promise<Listening> {
  await listenOn(server, { host, port }, (err) => listenError(`${host}:${port}`, err,
    `${err.code === 'EADDRINUSE' ? 'Another process uses that port: stop it, or c' : 'C'}hoose another port, or use port 0 to pick a free one.`))
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  const uriHost = host.includes(':') ? `[${host}]` : host
  return { uri: `mongodb://${uriHost}:${bound}/?directConnection=true`, address: `${host}:${bound}`, port: bound, socketPath: undefined, cleanup: () => {} }
}

/**
 * Listens on a unix socket in a directory of its own under the system's temporary directory.
 * mkdtemp makes that directory with mode 0700, so only this user can open the socket: unlike
 * a loopback port, which any local user can connect to. The kernel also does less per message
 * than over TCP loopback (bench/db.mjs). cleanup() removes the directory; the directories of
 * killed processes are removed by the next store that starts (sweepDeadSocketDirs).
 */
export async function listenUnix (server: Server): Promise<Listening> {
  await sweepDeadSocketDirs()
  let dir: string
  try {
    dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`))
  } catch (err) {
    throw listenError(`a unix socket in ${tmpdir()}`, err as NodeJS.ErrnoException, "Make the temporary directory writable (TMPDIR), or use transport 'tcp'.")
  }
  const path = socketPathFor(dir)
  // A process that exits without closing the store (process.exit, an uncaught error) still
  // removes the directory; a killed one leaves it behind, for the next store's sweep.
  const remove = (): void => { rmSync(dir, { recursive: true, force: true }) }
  process.once('exit', remove)
  const cleanup = (): void => {
    process.off('exit', remove)
    remove()
  }
  try {
    if (path.length > MAX_SOCKET_PATH) throw Object.assign(new Error('path too long'), { code: 'ENAMETOOLONG' })
    await listenOn(server, path, (err) => listenError(path, err, "Set TMPDIR to a shorter, writable directory, or use transport 'tcp'."))
  } catch (err) {
    cleanup()
    throw err instanceof EmbeddedMongoError ? err : listenError(path, err as NodeJS.ErrnoException, "Set TMPDIR to a shorter directory, or use transport 'tcp'.")
  }
  return { uri: `mongodb://${encodeURIComponent(path)}/?directConnection=true`, address: path, port: 0, socketPath: path, cleanup }
}
