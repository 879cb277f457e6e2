import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/** What {@link ConnectionTracker.drain} did. */
export interface DrainResult {
  /** Requests still running at the timeout, whose connections were closed. */
  cut: number
}

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

/** How often idle connections are looked for: a quarter of the timeout, within [100 ms, 5 s]. */
export function sweepInterval (idleTimeout: number): number {
  return Math.max(100, Math.min(5_000, Math.floor(idleTimeout / 4)))
}

/**
 * Follows the HTTP connections of a server:
 *   - so shutdown can drain them gently: stop accepting, let running requests finish (their
 *     responses say `Connection: close`), and half-close idle keep-alive connections instead
 *     of resetting them, so a request a client is sending at that instant is never answered by
 *     a TCP reset;
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
  #idle: (() => void) | null = null
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

  /** Waits for `res` before the drain ends; then its connection is closed, not kept alive. */
  #wait (res: ServerResponse, socket: HttpSocket): void {
    if (this.#running.has(res)) return
    this.#running.add(res)
    if (!res.headersSent) res.shouldKeepAlive = false
    res.once('close', () => {
      this.#running.delete(res)
      // A response whose keep-alive headers left before the drain leaves its connection idle.
      if (!socket.destroyed && !socket._httpMessage) socket.end()
      if (this.#running.size === 0) this.#idle?.()
    })
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
      this.#wait(res, socket)
      for (const listener of listeners) listener.call(server, req, res)
    })
  }

  /**
   * Stops accepting connections and waits for the requests in flight, at most `timeout` ms;
   * then closes the connections of those still running.
   */
  async drain (timeout: number): Promise<DrainResult> {
    this.#interceptRequests()
    // net.Server's close, not http.Server's: the latter resets idle keep-alive connections.
    if (this.#server.listening) NetServer.prototype.close.call(this.#server)
    for (const socket of this.#sockets.keys()) {
      const res = socket._httpMessage
      if (res) this.#wait(res, socket)
      else socket.end()
    }
    if (this.#running.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout)
        this.#idle = () => { clearTimeout(timer); resolve() }
      })
      this.#idle = null
    }
    const cut = this.#running.size
    for (const res of this.#running) (res.socket ?? res.req.socket).destroy()
    return { cut }
  }

  /** Closes whatever HTTP connection is left (half-closed ones a client never finished). */
  destroyRemaining (): void {
    if (this.#sweeper) clearInterval(this.#sweeper)
    for (const socket of this.#sockets.keys()) socket.destroy()
    this.#sockets.clear()
  }
}
