import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { taoError } from '../errors/index.js'
import type { ChannelPayload, ChannelTransport } from './transport.js'

/** What `publish` sends: text as a text frame, bytes as a binary frame, anything else as its JSON text. */
export type ChannelData = string | number | boolean | null | object

function checkGroup (call: string, group: unknown): asserts group is string {
  if (typeof group !== 'string' || group === '') {
    throw taoError('TAO_ERR_WS_CHANNEL_INVALID', [`channels.${call}()`, `the group must be a non-empty string, got ${JSON.stringify(group) ?? String(group)}`])
  }
}

function encode (group: string, data: ChannelData): ChannelPayload {
  if (typeof data === 'string' || data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  let text: string | undefined
  try {
    text = JSON.stringify(data)
  } catch (err) {
    throw taoError('TAO_ERR_WS_CHANNEL_INVALID', [`channels.publish('${group}')`, `the data cannot be sent as JSON (${(err as Error).message})`], {}, { cause: err })
  }
  if (text === undefined) {
    throw taoError('TAO_ERR_WS_CHANNEL_INVALID', [`channels.publish('${group}')`, `the data is ${typeof data}; send a string, bytes or a JSON value`])
  }
  return text
}

/**
 * Broadcast groups of websockets. `join` and `leave` change this process's members; `publish`
 * goes through the transport, so it reaches the members of the group in every process the
 * transport connects. A socket leaves every group when it closes.
 * Available as `app.channels`, `req.channels` in views and websocket handlers, and
 * `ctx.channels` in services.
 * @example
 *   req.channels.join(`room:${req.params.name}`, socket)
 *   req.channels.publish(`room:${req.params.name}`, { from: user, text })
 */
export class Channels {
  readonly #groups = new Map<string, Set<WebSocket>>()
  readonly #memberOf = new WeakMap<WebSocket, Set<string>>()
  readonly #transport: ChannelTransport
  readonly #log: FastifyBaseLogger | undefined
  // One listener shared by every member socket: EventEmitter calls it with `this` = the socket.
  readonly #onClose: (this: WebSocket) => void
  #closed = false

  constructor (transport: ChannelTransport, log?: FastifyBaseLogger) {
    this.#transport = transport
    this.#log = log
    const leaveAll = (socket: WebSocket): void => this.#leaveAll(socket)
    this.#onClose = function (this: WebSocket) { leaveAll(this) }
    transport.subscribe((group, payload) => this.#deliver(group, payload))
  }

  /** The transport carrying publishes to other processes (the Redis one has `stats`). */
  get transport (): ChannelTransport {
    return this.#transport
  }

  /**
   * Adds an open socket to a group (of this process). Returns false, and does nothing, for a
   * socket that is already closing or closed.
   * @throws TAO_ERR_WS_CHANNEL_INVALID for a group that is not a non-empty string.
   */
  join (group: string, socket: WebSocket): boolean {
    checkGroup('join', group)
    if (socket.readyState !== socket.OPEN) return false
    let members = this.#groups.get(group)
    if (!members) this.#groups.set(group, members = new Set())
    members.add(socket)
    let groups = this.#memberOf.get(socket)
    if (!groups) {
      this.#memberOf.set(socket, groups = new Set())
      socket.on('close', this.#onClose)
    }
    groups.add(group)
    return true
  }

  /**
   * Removes a socket from a group; true when it was a member.
   * @throws TAO_ERR_WS_CHANNEL_INVALID for a group that is not a non-empty string.
   */
  leave (group: string, socket: WebSocket): boolean {
    checkGroup('leave', group)
    const groups = this.#memberOf.get(socket)
    if (!groups?.delete(group)) return false
    this.#removeMember(group, socket)
    if (groups.size === 0) {
      this.#memberOf.delete(socket)
      socket.off('close', this.#onClose)
    }
    return true
  }

  /**
   * Sends `data` to every member of the group, in every process the transport reaches. The
   * data is encoded once (JSON for values that are not text or bytes); members whose client
   * stopped reading are dropped, the others go on.
   * @throws TAO_ERR_WS_CHANNEL_INVALID for a bad group or data that cannot be sent.
   */
  publish (group: string, data: ChannelData): void {
    checkGroup('publish', group)
    const payload = encode(group, data)
    if (this.#closed) {
      this.#deliver(group, payload)
      return
    }
    const sent = this.#transport.publish(group, payload)
    if (sent instanceof Promise) sent.catch((err: unknown) => this.#log?.error({ err, group }, 'channel publish failed in the transport'))
  }

  /**
   * The number of members of a group in this process.
   * @throws TAO_ERR_WS_CHANNEL_INVALID for a group that is not a non-empty string.
   */
  size (group: string): number {
    checkGroup('size', group)
    return this.#groups.get(group)?.size ?? 0
  }

  /** Every group with members in this process, and its member count (for the debug toolbar). */
  groups (): Array<{ group: string, members: number }> {
    return [...this.#groups].map(([group, members]) => ({ group, members: members.size }))
  }

  /** Closes the transport. Later publishes reach this process's members only. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#transport.close()
  }

  #deliver (group: string, payload: ChannelPayload): void {
    const members = this.#groups.get(group)
    if (!members) return
    // Encode text once for every member; ws sends a Buffer as is.
    const binary = typeof payload !== 'string'
    const data = binary ? payload : Buffer.from(payload)
    const options = { binary }
    for (const socket of members) {
      if (socket.readyState !== socket.OPEN) continue
      try {
        socket.send(data, options)
      } catch (err) {
        this.#log?.error({ err, group }, 'channel delivery to one socket failed')
      }
    }
  }

  #removeMember (group: string, socket: WebSocket): void {
    const members = this.#groups.get(group)
    if (!members) return
    members.delete(socket)
    if (members.size === 0) this.#groups.delete(group)
  }

  #leaveAll (socket: WebSocket): void {
    const groups = this.#memberOf.get(socket)
    if (!groups) return
    for (const group of groups) this.#removeMember(group, socket)
    this.#memberOf.delete(socket)
    socket.off('close', this.#onClose)
  }
}
