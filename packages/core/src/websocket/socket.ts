import type { FastifyBaseLogger } from 'fastify'
import { WebSocket } from 'ws'
import { kSocketConfig, kSocketFail, kSocketHeartbeat, kSocketLog } from '../symbols.js'

/** Limits shared by every socket of one app, handed to ws through its server options. */
export interface SocketConfig {
  /** Bytes waiting to be written past which a send drops the client (0: no limit). */
  readonly maxBufferedAmount: number
  readonly log: FastifyBaseLogger
}

type SendData = Parameters<WebSocket['send']>[0]
type SendOptions = Exclude<Parameters<WebSocket['send']>[1], ((err?: Error) => void) | undefined>
type SendCallback = (err?: Error) => void
type Listener = (...args: unknown[]) => unknown

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function'

/**
 * The server-side socket of tao's websocket routes: ws's WebSocket with three additions, none
 * of which costs a closure per connection.
 *  - Containment: an error thrown (or a promise rejected) by any event listener is logged and
 *    closes this socket with 1011. In plain @fastify/websocket such an error bypasses every
 *    error handler and reaches the process.
 *  - Backpressure: a send to a client whose buffered data is past the limit drops that client
 *    (it has stopped reading) instead of buffering without bound.
 *  - Liveness: any message or pong marks it alive for the app's ping round.
 */
export class TaoSocket extends WebSocket {
  readonly #config: SocketConfig
  #log: FastifyBaseLogger
  #alive = true

  // ws builds server sockets itself as `new options.WebSocket(null, undefined, serverOptions)`.
  constructor (address: null, protocols?: undefined, options?: { [kSocketConfig]?: SocketConfig }) {
    super(...([address, protocols, options] as unknown as [null]))
    const config = options?.[kSocketConfig]
    if (!config) throw new TypeError('TaoSocket is made by the websocket plugin, with its limits in the server options')
    this.#config = config
    this.#log = config.log
  }

  /** Logs this socket's failures with the upgrade request's logger (and its request id). */
  [kSocketLog] (log: FastifyBaseLogger): void {
    this.#log = log
  }

  override send (data: SendData, cb?: SendCallback): void
  override send (data: SendData, options: SendOptions, cb?: SendCallback): void
  override send (data: SendData, optionsOrCb?: SendOptions | SendCallback, cb?: SendCallback): void {
    const limit = this.#config.maxBufferedAmount
    // Checked before sending, so one large message to a reading client always goes out.
    if (limit > 0 && this.readyState === WebSocket.OPEN && this.bufferedAmount > limit) {
      this.#log.warn({ bufferedAmount: this.bufferedAmount, limit }, 'websocket client dropped: it stopped reading and its buffered data passed settings.websocket.maxBufferedAmount')
      this.terminate()
      const callback = typeof optionsOrCb === 'function' ? optionsOrCb : cb
      if (callback) process.nextTick(callback, new Error('The websocket was dropped: the client stopped reading'))
      return
    }
    super.send(data, optionsOrCb as SendOptions, cb)
  }

  // Runs the listeners as EventEmitter would, catching what they throw or reject with.
  override emit (event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' || event === 'pong') this.#alive = true
    const listeners = this.rawListeners(event) as Listener[]
    // No listener: EventEmitter's own rules (an unheard 'error' throws).
    if (listeners.length === 0) return super.emit(event, ...args)
    // A failing listener does not stop the others: tao's own (channels leaving on 'close')
    // must run whatever a user listener before them did.
    for (const listener of listeners) {
      try {
        const result = listener.apply(this, args)
        if (isThenable(result)) result.then(undefined, (err: unknown) => this[kSocketFail](err, event))
      } catch (err) {
        this[kSocketFail](err, event)
      }
    }
    return true
  }

  /** Logs a handler's error and closes the socket with 1011 (Internal Error). */
  [kSocketFail] (err: unknown, where: string | symbol): void {
    this.#log.error({ err }, `websocket ${String(where)} handler failed; the socket is closed with 1011`)
    if (this.readyState === WebSocket.OPEN) this.close(1011, 'Internal Error')
  }

  /** One ping round: drops the socket if it has not answered since the last one, else pings. */
  [kSocketHeartbeat] (): void {
    if (this.readyState !== WebSocket.OPEN) return
    if (!this.#alive) {
      this.#log.info('websocket client dropped: it did not answer the last ping')
      this.terminate()
      return
    }
    this.#alive = false
    this.ping()
  }
}
