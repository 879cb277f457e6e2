import type { FastifyRequest, RouteOptions } from 'fastify'
import type { WebSocket } from 'ws'
import type { ServiceStatus } from '../services/runner.js'
import type { Channels } from '../websocket/channels.js'

/** An open websocket of the process, as the Websockets panel lists it. */
export interface SocketEntry {
  readonly path: string
  readonly route: string | null
  readonly since: Date
}

/** Most open sockets listed; more are only counted. */
const MAX_SOCKETS = 200

/**
 * The process-wide panels (websockets, channel groups, services): what is open and running
 * now, not what a request did. Sockets are tracked by wrapping each websocket route's
 * handler at registration (an onRoute hook of the toolbar: debug only).
 */
export class ProcessState {
  readonly #sockets = new Set<SocketEntry>()
  #uncounted = 0

  constructor (
    readonly channels: () => Channels,
    readonly services: () => ServiceStatus[]
  ) {}

  /** The onRoute hook: a websocket route's handler records its socket while it is open. */
  watchRoute (route: RouteOptions): void {
    const handler = (route as { wsHandler?: (socket: WebSocket, req: FastifyRequest) => unknown }).wsHandler
    if (typeof handler !== 'function') return
    const sockets = this.#sockets
    const name = (route.config as { taoRoute?: string } | undefined)?.taoRoute ?? null
    const state = this;
    (route as { wsHandler?: unknown }).wsHandler = function watchedSocket (this: unknown, socket: WebSocket, req: FastifyRequest) {
      if (sockets.size >= MAX_SOCKETS) {
        state.#uncounted++
        socket.once('close', () => { state.#uncounted-- })
      } else {
        const entry: SocketEntry = { path: req.url, route: name, since: new Date() }
        sockets.add(entry)
        socket.once('close', () => sockets.delete(entry))
      }
      return handler.call(this, socket, req)
    }
  }

  /** What the Websockets and Services panels show now. */
  snapshot (): { sockets: SocketEntry[], moreSockets: number, groups: Array<{ group: string, members: number }>, services: ServiceStatus[] } {
    let groups: Array<{ group: string, members: number }> = []
    try { groups = this.channels().groups().sort((a, b) => a.group.localeCompare(b.group)) } catch { /* no channels in this app */ }
    return { sockets: [...this.#sockets], moreSockets: this.#uncounted, groups, services: this.services() }
  }
}
