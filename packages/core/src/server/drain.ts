import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/** What {@link ConnectionTracker.drain} did. */
export interface DrainResult {
  /** Requests still running at the timeout, whose connections were closed. */
  cut: number
  /** 'METHOD /path' of each request cut (the routes a stuck drain names in its log line). */
  cutRoutes: string[]
}

/**
 * How long a keep-alive connection must stay idle during a drain before it is closed: a
 * request its client wrote just before (still in a socket buffer) or writes now is read and
 * answered (with `Connection: close`) instead of being met by a closed connection.
 */
export const DRAIN_IDLE_GRACE_MS = 1_000

type Listener = (req: IncomingMessage, res: ServerResponse) => void
// Node keeps the response being written on a connection in socket._httpMessage (set when the
// response takes the socket, cleared when it finishes); http-terminator and others read it too.
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null }

/** Options of {@link ConnectionTracker}. */
export interface TrackerOptions {
  /**
   * Closes a connection with a request in progress (handled or answered) that moved no byte
   * for this long, in ms: a stuck handler, or a client that stopped reading. 0: never.
   */
  idleTimeout?: number
}

interface Progress {
  bytes: number
  since: number
}

/** 'METHOD /path' of a response's request, without its query (which may hold secrets). */
const describe = (res: ServerResponse): string => `${res.req.method ?? '?'} ${(res.req.url ?? '?').split('?')[0]}`

/** How often idle connections are looked for: a quarter of the timeout, within [100 ms, 5 s]. */
export function sweepInterval (idleTimeout: number): number {
  return Math.max(100, Math.min(5_000, Math.floor(idleTimeout / 4)))
}

/**
 * Follows the HTTP connections of a server:
 *   - so shutdown can drain them without losing a request: stop accepting, keep answering
 *     requests on open connections (each answer says `Connection: close`), and half-close a
 *     keep-alive connection only once it stayed idle for a grace, never resetting one;
 *   - to close a connection whose request made no progress for `idleTimeout` (Node's own
 *     socket timeout does this too, but re-arms a timer on every read and write of every
 *     request; a sweep over the connections costs requests nothing).
 * Upgraded (websocket) connections are left to the websocket concern. It costs one set entry
 * per connection and nothing per request: the requests in flight are read off the connections
 * (`socket._httpMessage`) when a sweep or the drain looks.
 */
export class ConnectionTracker {
  readonly #server: Server
  readonly #idleTimeout: number
  /** Open HTTP connections, with the progress the last sweep saw. */
  readonly #sockets = new Map<HttpSocket, Progress | null>()
  /** Responses the drain waits for. */
  readonly #running = new Set<ServerResponse>()
  #installed = false
  /** When the last connection arrived (a cluster worker hands over once they stop coming). */
  #lastConnection = 0
  #sweeper: NodeJS.Timeout | null = null

  constructor (server: Server, opts: TrackerOptions = {}) {
    this.#server = server
    this.#idleTimeout = opts.idleTimeout ?? 0
  }

  /** Starts following connections, after the app is ready and before it listens. Idempotent. */
  install (): void {
    if (this.#installed) return
    this.#installed = true
    const server = this.#server
    server.on('connection', (socket: Socket) => {
      this.#lastConnection = Date.now()
      this.#sockets.set(socket, null)
      socket.once('close', () => this.#sockets.delete(socket))
    })
    if (this.#idleTimeout > 0) {
      this.#sweeper = setInterval(() => this.#sweep(Date.now()), sweepInterval(this.#idleTimeout)).unref()
    }
    // Upgraded sockets leave HTTP; only listen when someone handles upgrades (a listener
    // changes how Node treats an Upgrade request).
    if (server.listenerCount('upgrade') > 0) {
      server.prependListener('upgrade', (_req: IncomingMessage, socket: Socket) => { this.#sockets.delete(socket) })
    }
  }

  /**
   * Closes the connections whose request moved no byte (read, written or flushed) since a
   * sweep at least idleTimeout ago. Connections between requests are Node's (keepAliveTimeout),
   * and so are requests still sending their headers (headersTimeout).
   */
  #sweep (now: number): void {
    for (const [socket, seen] of this.#sockets) {
      if (!socket._httpMessage) {
        if (seen !== null) this.#sockets.set(socket, null)
        continue
      }
      const bytes = socket.bytesRead + socket.bytesWritten - socket.writableLength
      if (seen === null || seen.bytes !== bytes) this.#sockets.set(socket, { bytes, since: now })
      else if (now - seen.since >= this.#idleTimeout) socket.destroy()
    }
  }

  /**
   * Waits for `res` before the drain ends; then its connection is closed, not kept alive. A
   * response whose keep-alive headers left before the drain leaves its connection open: the
   * client may already be writing its next request there, which gets its answer, or the
   * connection is closed once idle for the grace.
   */
  #wait (res: ServerResponse): void {
    if (this.#running.has(res)) return
    this.#running.add(res)
    if (!res.headersSent) res.shouldKeepAlive = false
    res.once('close', () => { this.#running.delete(res) })
  }

  /**
   * From now on, requests are served with `Connection: close` and waited for; a request read
   * from a connection already half-closed is dropped: nobody could answer it, and the client,
   * seeing the close before any response byte, retries it elsewhere.
   */
  #interceptRequests (): void {
    const server = this.#server
    const listeners = server.listeners('request') as Listener[]
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket
      if (socket.writableEnded) {
        socket.destroy()
        return
      }
      this.#wait(res)
      for (const listener of listeners) listener.call(server, req, res)
    })
  }

  /**
   * Stops accepting new connections (net.Server's close, not http.Server's: the latter resets
   * idle keep-alive connections). Requests on open connections are still read and answered.
   * Idempotent; under a cluster primary this is what hands accepting over to other workers.
   */
  stopAccepting (): void {
    if (this.#server.listening) NetServer.prototype.close.call(this.#server)
  }

  /**
   * Stops accepting once no connection arrived for `quiet` ms (at most `within` ms from now).
   * A cluster worker does this at shutdown: the primary resets the connections still queued
   * for the workers when the last one stops accepting, and connections keep being handed over
   * while its queue is not empty (a busy machine, a burst of new clients).
   */
  async stopAcceptingWhenQuiet (quiet: number, within: number): Promise<void> {
    const end = Date.now() + within
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      // After the timer, let one poll phase run: a connection the primary sent while this
      // process was busy is read there, before it is judged quiet.
      await new Promise((resolve) => setImmediate(resolve))
      if (Date.now() >= end || Date.now() - this.#lastConnection >= quiet) break
    }
    this.stopAccepting()
  }

  /**
   * Drains without losing a request, at most `timeout` ms:
   *   1. stops accepting connections;
   *   2. keeps reading open connections: every request still gets an answer, with
   *      `Connection: close`, so its client opens its next connection elsewhere;
   *   3. closes a connection that stayed idle for {@link DRAIN_IDLE_GRACE_MS} (a half-close,
   *      after which its client sees the end before writing);
   *   4. at the timeout, closes the connections of the requests still running.
   */
  async drain (timeout: number): Promise<DrainResult> {
    const start = Date.now()
    this.#interceptRequests()
    // Connections the kernel completed while the process was busy wait in the listen backlog,
    // and closing the listening socket resets them: their clients' requests would be lost. The
    // signal is handled in the poll phase, possibly before the listening socket's turn in that
    // same phase (a starved process wakes up to both): let that phase accept them first.
    await new Promise((resolve) => setImmediate(resolve))
    this.stopAccepting()
    const quiet = new Map<HttpSocket, { bytes: number, since: number }>()
    // 1. Responses already running are waited for and close their connection when done.
    for (const socket of this.#sockets.keys()) {
      const res = socket._httpMessage
      if (res) this.#wait(res)
    }
    await new Promise<void>((resolve) => {
      const look = (): void => {
        const now = Date.now()
        let open = 0
        for (const socket of this.#sockets.keys()) {
          if (socket.destroyed || socket.writableEnded) continue
          if (socket._httpMessage) { quiet.delete(socket); open++; continue }
          // 2. Idle: no response in progress. Any byte read since the last look restarts its grace.
          const seen = quiet.get(socket)
          if (!seen || seen.bytes !== socket.bytesRead) quiet.set(socket, { bytes: socket.bytesRead, since: now })
          else if (now - seen.since >= DRAIN_IDLE_GRACE_MS && socket.readableLength === 0) { socket.end(); continue }
          open++
        }
        if ((open === 0 && this.#running.size === 0) || now - start >= timeout) {
          clearInterval(timer)
          resolve()
        }
      }
      // Looked at after a poll phase (setImmediate), not in the timer's own phase: after a stall
      // (a starved machine, a long GC) a request waiting in a socket buffer is read first, so
      // its connection is not judged idle and closed under it.
      const timer = setInterval(() => setImmediate(look), 50)
      look()
    })
    const cutRoutes = [...this.#running].map(describe)
    for (const res of this.#running) (res.socket ?? res.req.socket).destroy()
    return { cut: cutRoutes.length, cutRoutes }
  }

  /** 'METHOD /path' of each request running now. */
  inFlight (): string[] {
    const out: string[] = []
    for (const socket of this.#sockets.keys()) if (socket._httpMessage) out.push(describe(socket._httpMessage))
    return out
  }

  /** Closes whatever HTTP connection is left (half-closed ones a client never finished). */
  destroyRemaining (): void {
    if (this.#sweeper) clearInterval(this.#sweeper)
    for (const socket of this.#sockets.keys()) socket.destroy()
    this.#sockets.clear()
  }
}
