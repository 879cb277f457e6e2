import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/** What {@link ConnectionTracker.drain} did. */
export interface DrainResult {
  /** Requests still running at the timeout, whose connections were closed. */
  cut: number
}

/**
 * Follows the HTTP connections of a server and the requests in flight on each, so shutdown
 * can drain them gently: stop accepting, let running requests finish (their responses say
 * `Connection: close`), and half-close idle keep-alive connections instead of resetting them,
 * so a request a client is sending at that instant is never answered by a TCP reset.
 * Upgraded (websocket) connections are left to the websocket concern.
 */
export class ConnectionTracker {
  readonly #server: Server
  /** HTTP connections and their requests in flight. */
  readonly #sockets = new Map<Socket, number>()
  /** Responses not finished yet. */
  readonly #responses = new Set<ServerResponse>()
  #draining = false
  #installed = false
  #idle: (() => void) | null = null

  constructor (server: Server) {
    this.#server = server
  }

  /** Starts following connections, after the app is ready and before it listens. Idempotent. */
  install (): void {
    if (this.#installed) return
    this.#installed = true
    const server = this.#server
    server.on('connection', (socket: Socket) => {
      this.#sockets.set(socket, 0)
      socket.once('close', () => this.#sockets.delete(socket))
    })
    // One dispatcher in front of the app's own listeners, so that a request read from a
    // connection this tracker already half-closed is never handled: nobody could answer it.
    // The client sees the close before any response byte and retries it elsewhere.
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
    server.removeAllListeners('request')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.socket.writableEnded) {
        req.socket.destroy()
        return
      }
      this.#onRequest(req.socket, res)
      for (const listener of listeners) listener.call(server, req, res)
    })
    // Upgraded sockets leave HTTP; only listen when someone handles upgrades (a listener
    // changes how Node treats an Upgrade request).
    if (server.listenerCount('upgrade') > 0) {
      server.prependListener('upgrade', (_req: IncomingMessage, socket: Socket) => { this.#sockets.delete(socket) })
    }
  }

  #onRequest (socket: Socket, res: ServerResponse): void {
    this.#responses.add(res)
    this.#sockets.set(socket, (this.#sockets.get(socket) ?? 0) + 1)
    if (this.#draining) res.shouldKeepAlive = false
    res.once('close', () => {
      this.#responses.delete(res)
      const left = (this.#sockets.get(socket) ?? 1) - 1
      if (this.#sockets.has(socket)) this.#sockets.set(socket, left)
      if (this.#draining) {
        if (left === 0 && !socket.destroyed) socket.end()
        if (this.#responses.size === 0) this.#idle?.()
      }
    })
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
    for (const [socket, requests] of this.#sockets) {
      if (requests === 0) socket.end()
    }
    for (const res of this.#responses) if (!res.headersSent) res.shouldKeepAlive = false
    if (this.#responses.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout)
        this.#idle = () => { clearTimeout(timer); resolve() }
      })
      this.#idle = null
    }
    const cut = this.#responses.size
    if (cut > 0) {
      for (const [socket, requests] of this.#sockets) if (requests > 0) socket.destroy()
    }
    return { cut }
  }

  /** Closes whatever HTTP connection is left (half-closed ones a client never finished). */
  destroyRemaining (): void {
    for (const socket of this.#sockets.keys()) socket.destroy()
    this.#sockets.clear()
  }
}
