import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/** What {@link ConnectionTracker.drain} did. */
export interface DrainResult {
  /** Requests still running at the timeout, whose connections were closed. */
  cut: number
}

const kSocket = Symbol('tao.drainSocket')

type Listener = (req: IncomingMessage, res: ServerResponse) => void
type Tracked = ServerResponse & { [kSocket]?: Socket }

/**
 * Follows the HTTP connections of a server and the requests in flight, so shutdown can drain
 * them gently: stop accepting, let running requests finish (their responses say
 * `Connection: close`), and half-close idle keep-alive connections instead of resetting them,
 * so a request a client is sending at that instant is never answered by a TCP reset.
 * Upgraded (websocket) connections are left to the websocket concern. Per request it only
 * adds the response to a set and one shared 'close' listener.
 */
export class ConnectionTracker {
  readonly #server: Server
  /** Open HTTP connections. */
  readonly #sockets = new Set<Socket>()
  /** Responses not finished yet. */
  readonly #responses = new Set<Tracked>()
  readonly #onResponseClose: (this: Tracked) => void
  #draining = false
  #installed = false
  #idle: (() => void) | null = null

  constructor (server: Server) {
    this.#server = server
    const tracker = this
    this.#onResponseClose = function (this: Tracked) { tracker.#closed(this) }
  }

  /** Starts following connections, after the app is ready and before it listens. Idempotent. */
  install (): void {
    if (this.#installed) return
    this.#installed = true
    const server = this.#server
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
    })
    // One dispatcher in front of the app's own listeners, so that a request read from a
    // connection this tracker already half-closed is never handled: nobody could answer it.
    // The client sees the close before any response byte and retries it elsewhere.
    const listeners = server.listeners('request') as Listener[]
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket
      if (socket.writableEnded) {
        socket.destroy()
        return
      }
      const tracked = res as Tracked
      tracked[kSocket] = socket
      this.#responses.add(tracked)
      if (this.#draining) res.shouldKeepAlive = false
      res.on('close', this.#onResponseClose)
      for (const listener of listeners) listener.call(server, req, res)
    })
    // Upgraded sockets leave HTTP; only listen when someone handles upgrades (a listener
    // changes how Node treats an Upgrade request).
    if (server.listenerCount('upgrade') > 0) {
      server.prependListener('upgrade', (_req: IncomingMessage, socket: Socket) => { this.#sockets.delete(socket) })
    }
  }

  #closed (res: Tracked): void {
    this.#responses.delete(res)
    if (!this.#draining) return
    const socket = res[kSocket]
    // A response whose keep-alive headers left before the drain leaves its connection idle.
    if (socket && !socket.destroyed && !this.#busy().has(socket)) socket.end()
    if (this.#responses.size === 0) this.#idle?.()
  }

  /** Connections with a response in flight. */
  #busy (): Set<Socket> {
    const busy = new Set<Socket>()
    for (const res of this.#responses) if (res[kSocket]) busy.add(res[kSocket])
    return busy
  }

  /** Requests being served right now. */
  get inFlight (): number {
    return this.#responses.size
  }

  /**
   * Stops accepting connections and waits for the requests in flight, at most `timeout` ms;
   * then closes the connections of those still running.
   */
  async drain (timeout: number): Promise<DrainResult> {
    this.#draining = true
    // net.Server's close, not http.Server's: the latter resets idle keep-alive connections.
    if (this.#server.listening) NetServer.prototype.close.call(this.#server)
    const busy = this.#busy()
    for (const socket of this.#sockets) if (!busy.has(socket)) socket.end()
    for (const res of this.#responses) if (!res.headersSent) res.shouldKeepAlive = false
    if (this.#responses.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout)
        this.#idle = () => { clearTimeout(timer); resolve() }
      })
      this.#idle = null
    }
    const cut = this.#responses.size
    for (const socket of this.#busy()) socket.destroy()
    return { cut }
  }

  /** Closes whatever HTTP connection is left (half-closed ones a client never finished). */
  destroyRemaining (): void {
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
  }
}
