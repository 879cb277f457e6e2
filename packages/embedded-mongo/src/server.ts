import { createServer, isIP, type Socket } from 'node:net'
import { resolve as resolvePath } from 'node:path'
import { serveConnection, type ServerState } from './connection.js'
import { debug } from './debug.js'
import { CursorRegistry } from './engine/cursors.js'
import { readById } from './engine/read-by-id.js'
import { Store } from './engine/store.js'
import { DEFAULT_TTL_SLEEP_SECS, TtlMonitor } from './engine/ttl.js'
import { EmbeddedMongoError } from './errors.js'
import { listenTcp, listenUnix, usesUnixSocket, type Listening, type Transport } from './listen.js'
import { DiskStorage } from './storage/disk-storage.js'

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /** Data directory (e.g. `<project>/var/db`). Omit it for an in-memory store that writes nothing. */
  dir?: string
  /** Loopback address to listen on. @default '127.0.0.1' */
  host?: string
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number
  /**
   * `'tcp'` listens on `host:port`. `'unix'` listens on a unix domain socket in a private
   * directory made for it (mode 0700, removed at close): only this user can connect, and each
   * message costs the kernel less than over TCP loopback. `'auto'` is `'unix'` where the
   * platform has unix sockets (not Windows) and neither `host` nor `port` is given, else `'tcp'`.
   * @default 'tcp'
   */
  transport?: Transport
  /** Receives warnings meant for the developer (e.g. a damaged journal that was repaired). */
  log?: (msg: string) => void
  /**
   * Seconds between two passes of the TTL monitor, which deletes expired documents of TTL
   * indexes; tests lower it. Also settable at run time with `setParameter`, as on mongod.
   * @default 60
   */
  ttlMonitorSleepSecs?: number
}

/** A running embedded database. */
export interface EmbeddedMongo {
  /**
   * Connection string for the official driver, e.g. `mongodb://127.0.0.1:PORT/?directConnection=true`,
   * or `mongodb://%2Ftmp%2Ftao-db-PID-XXXXXX%2Fmongodb.sock/?directConnection=true` on a unix socket.
   */
  readonly uri: string
  /** The loopback address of the TCP transport (the default host with a unix socket). */
  readonly host: string
  /** The TCP port; 0 on a unix socket. */
  readonly port: number
  /** The unix socket's path with transport 'unix'; undefined on TCP. */
  readonly socketPath: string | undefined
  /** Where it listens, for messages: `host:port`, or the unix socket's path. */
  readonly address: string
  /** The data directory, absolute; undefined in memory mode. */
  readonly dir: string | undefined
  /**
   * For a client in the same process: the document a find by `_id` (limit 1) returns, as
   * BSON bytes of its own, or null when there is none, read without the wire. Undefined when
   * the find needs the wire (a view, a collation that applies to the `_id`, an `_id` that is
   * an operator or a document) or the store is closed: send it through the driver then.
   */
  readById (db: string, collection: string, id: unknown): Uint8Array | null | undefined
  /** Stops listening, closes client connections, flushes the journal and releases the directory. */
  close (): Promise<void>
}

function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

function checkTransport (transport: Transport, explicitAddress: boolean): void {
  if (transport !== 'tcp' && transport !== 'unix' && transport !== 'auto') {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_OPTIONS',
      `The embedded database option transport must be 'tcp', 'unix' or 'auto', but ${JSON.stringify(transport)} was given. Omit it for 'tcp'.`,
      { transport })
  }
  if (transport === 'unix' && (explicitAddress || process.platform === 'win32')) {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_OPTIONS',
      `The embedded database cannot use transport 'unix' ${explicitAddress ? 'with a host or port' : 'on Windows'}. Use transport 'tcp'${explicitAddress ? ', or omit host and port' : ''}.`,
      { transport })
  }
}

function checkOptions (host: string, port: number, ttlSleep: number): void {
  if (!isLoopback(host)) {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_OPTIONS',
      `The embedded database only listens on loopback, but host '${host}' was given. Use '127.0.0.1' (the default), or run a MongoDB server and set TAO_DATABASE_URL to share a database across machines.`,
      { host })
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_OPTIONS',
      `The embedded database port must be an integer from 0 to 65535, but ${String(port)} was given. Use 0 to pick a free port.`,
      { port })
  }
  if (!Number.isFinite(ttlSleep) || ttlSleep <= 0) {
    throw new EmbeddedMongoError('TAO_ERR_EMBEDDED_OPTIONS',
      `The embedded database option ttlMonitorSleepSecs must be a positive number of seconds, but ${String(ttlSleep)} was given. Omit it for MongoDB's default of ${DEFAULT_TTL_SLEEP_SECS}.`,
      { ttlMonitorSleepSecs: ttlSleep })
  }
}

/**
 * Starts an in-process server that speaks the MongoDB wire protocol on loopback, for the
 * official `mongodb` driver. With `dir`, data survives restarts; without, it lives in memory.
 * @throws TAO_ERR_EMBEDDED_OPTIONS, TAO_ERR_EMBEDDED_DIR, TAO_ERR_EMBEDDED_LOCKED,
 *   TAO_ERR_EMBEDDED_CORRUPT, TAO_ERR_EMBEDDED_FORMAT, TAO_ERR_EMBEDDED_LISTEN
 * @example
 * const db = await startEmbeddedMongo({ dir: 'var/db' })
 * const client = new MongoClient(db.uri)
 */
export async function startEmbeddedMongo (options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1'
  const ttlSleep = options.ttlMonitorSleepSecs ?? DEFAULT_TTL_SLEEP_SECS
  const transport = options.transport ?? 'tcp'
  const explicitAddress = options.host !== undefined || options.port !== undefined
  checkTransport(transport, explicitAddress)
  checkOptions(host, options.port ?? 0, ttlSleep)
  const unix = usesUnixSocket(transport, explicitAddress)
  const dir = options.dir === undefined ? undefined : resolvePath(options.dir)
  const store = new Store()
  const storage = dir === undefined ? undefined : DiskStorage.open(dir, store, { log: options.log ?? (() => {}) })
  const cursors = new CursorRegistry()
  // TTL deletions are not acknowledged to anyone, so they are flushed on their own.
  const ttl = new TtlMonitor(store, ttlSleep, () => {
    storage?.writer.sync().catch((err: unknown) => { debug('ttl: journal flush failed: %s', String(err)) })
  })
  let requestId = 0
  const state: ServerState = { store, cursors, ttl, journal: storage?.writer, nextRequestId: () => (requestId = (requestId + 1) & 0x7fffffff) }
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    serveConnection(socket, ++connections, state)
  })
  let listening: Listening
  try {
    listening = unix ? await listenUnix(server) : await listenTcp(server, host, options.port ?? 0)
  } catch (err) {
    cursors.close()
    ttl.close()
    await storage?.close()
    throw err
  }
  // After listening, a server error (e.g. too many open files) must not crash the application.
  server.on('error', (err) => { debug('server error: %s', err.message) })
  debug('listening on %s (%s)', listening.address, dir ?? 'in memory')

  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await stopped
      listening.cleanup()
      cursors.close()
      ttl.close()
      await storage?.close()
      debug('closed %s', listening.address)
    })()
    return await closing
  }
  return {
    uri: listening.uri,
    host,
    port: listening.port,
    socketPath: listening.socketPath,
    address: listening.address,
    dir,
    readById: (db, collection, id) => closing === undefined ? readById(store, db, collection, id) : undefined,
    close,
  }
}
