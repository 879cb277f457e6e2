import { createRequire } from 'node:module'
import { debuglog } from 'node:util'
import type { FastifyBaseLogger } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { taoError } from '../../errors/index.js'
import { describeError } from '../../services/timing.js'
import type { ChannelData } from '../channels.js'
import { Heartbeat } from './heartbeat.js'
import { reconnectDelay, resolveClientOptions, type ResolvedClientOptions, type WebsocketClientOptions } from './options.js'
import { encode, SendQueue, type Outgoing } from './send-queue.js'

// ws (CommonJS) is required when a client first connects: @tao/core's entry exports this
// class, and a project without websocket clients should not load ws at boot.
const require = createRequire(import.meta.url)

/** Where a client is: opening its first connection, open, between attempts, or stopped for good. */
export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Counters of a client since it was made. */
export interface ClientStats {
  state: ClientState
  /** Connections opened (the first one and every reconnection). */
  connects: number
  /** Attempts that failed in a row (0 while a connection is open). */
  failures: number
  /** Messages written to a socket. */
  sent: number
  received: number
  /** Messages waiting in the queue now. */
  queued: number
  /** Messages dropped by the queue's overflow policy, or still queued when the client closed. */
  dropped: number
  /** Connections cut because the peer stopped answering pings. */
  heartbeatTimeouts: number
}

// A connection that stayed open this long resets the backoff; one closed sooner counts as a
// failed attempt, so a peer that accepts and drops at once is not hammered.
const STABLE_AFTER = 1000
// How long close() waits for the peer's close frame before cutting the connection.
const CLOSE_TIMEOUT = 2000

const debug = debuglog('tao:websocket-client')
const quiet = { debug, info: debug, warn: debug, error: debug } as unknown as FastifyBaseLogger

/**
 * A websocket connection to another site or server that a service holds for its whole life:
 * it reconnects after any loss (exponential backoff with jitter, capped), replaces a peer that
 * stops answering pings, queues what is sent while disconnected in a bounded queue, and stops
 * for good, with no timer left, when its signal aborts or close() is called.
 * Made by {@link connectWebsocket} or, in a service, `ctx.connect()`.
 * @see docs/reference/services.md
 */
export class WebsocketClient {
  readonly url: string
  readonly #opts: ResolvedClientOptions
  readonly #handlers: WebsocketClientOptions
  readonly #log: FastifyBaseLogger
  readonly #queue: SendQueue
  readonly #signal: AbortSignal | undefined
  #state: ClientState = 'connecting'
  #ws: WebSocket | null = null
  #heartbeat: Heartbeat | null = null
  #retry: NodeJS.Timeout | undefined
  #openedAt = 0
  #failures = 0
  // Failed attempts in a row when the current connection opened: a connection that does not
  // hold for STABLE_AFTER goes on counting from there.
  #failuresBeforeOpen = 0
  #lastError = ''
  #inOpen = false
  #dropping = false
  #waiters: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  #closed: Promise<void> | null = null
  #counts = { connects: 0, sent: 0, received: 0, heartbeatTimeouts: 0 }
  readonly #written = (err?: Error): void => { if (!err) this.#flush() }
  readonly #onAbort = (): void => { this.close(1001, 'Going away').catch(() => {}) }

  /** @throws TAO_ERR_WS_CLIENT_INVALID for a bad URL or option. */
  constructor (url: string | URL, options: WebsocketClientOptions = {}) {
    this.#opts = resolveClientOptions(url, options)
    this.url = this.#opts.url
    this.#handlers = options
    this.#log = options.log ?? quiet
    this.#queue = new SendQueue(this.#opts.queueMax, this.#opts.overflow, this.url)
    this.#signal = options.signal
    if (this.#signal?.aborted) {
      this.#state = 'closed'
      this.#closed = Promise.resolve()
      return
    }
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true })
    this.#connect()
  }

  get state (): ClientState {
    return this.#state
  }

  /** A snapshot of the client's counters. */
  get stats (): ClientStats {
    return { state: this.#state, failures: this.#failures, queued: this.#queue.length, dropped: this.#queue.dropped, ...this.#counts }
  }

  /**
   * Sends text, bytes (a binary frame) or a JSON value. Written at once when the connection is
   * open and its buffer below maxBufferedAmount, queued otherwise (in order). Returns false
   * when the queue's overflow policy dropped this message.
   * @throws TAO_ERR_WS_CLIENT_CLOSED after close(); TAO_ERR_WS_CLIENT_QUEUE_FULL with
   *   `queue.overflow: 'error'`; TAO_ERR_WS_CLIENT_INVALID for data that cannot be sent.
   */
  send (data: ChannelData): boolean {
    if (this.#state === 'closed') throw taoError('TAO_ERR_WS_CLIENT_CLOSED', [this.url])
    const item = encode(data)
    const ws = this.#ws
    // Sends made inside onOpen (subscriptions) go before what waited in the queue.
    if (this.#writable(ws) && (this.#queue.length === 0 || this.#inOpen) && ws.bufferedAmount <= this.#opts.maxBufferedAmount) {
      this.#write(ws, item)
      return true
    }
    const dropsBefore = this.#queue.dropped
    const kept = this.#queue.push(item)
    if (this.#queue.dropped > dropsBefore && !this.#dropping) {
      this.#dropping = true
      this.#log.warn({ url: this.url, queue: this.#opts.queueMax, overflow: this.#opts.overflow }, `websocket client to ${this.url}: its send queue is full (${this.#opts.queueMax} messages); dropping messages (${this.#opts.overflow}) until it drains`)
    }
    return kept
  }

  /**
   * Resolves when the connection is open (at once if it is).
   * @throws TAO_ERR_WS_CLIENT_CLOSED (as a rejection) when the client closes first.
   */
  opened (): Promise<void> {
    if (this.#state === 'open') return Promise.resolve()
    if (this.#state === 'closed') return Promise.reject(taoError('TAO_ERR_WS_CLIENT_CLOSED', [this.url]))
    return new Promise((resolve, reject) => { this.#waiters.push({ resolve, reject }) })
  }

  /**
   * Stops for good: no reconnection, every timer cleared, the connection closed with `code`
   * (cut if the peer does not answer within 2 s). Messages still queued are dropped (counted).
   * Resolves once the socket is closed. Idempotent.
   * @throws TAO_ERR_WS_CLIENT_INVALID for a code an application may not send (1000, 1001 and
   *   3000-4999 are allowed) or a reason longer than 123 bytes.
   */
  close (code = 1000, reason = ''): Promise<void> {
    if (!(code === 1000 || code === 1001 || (Number.isInteger(code) && code >= 3000 && code <= 4999)) || Buffer.byteLength(String(reason)) > 123) {
      throw taoError('TAO_ERR_WS_CLIENT_INVALID', [`client.close(${code})`, 'the code must be 1000, 1001 or from 3000 to 4999, and the reason at most 123 bytes'])
    }
    if (this.#closed) return this.#closed
    this.#state = 'closed'
    clearTimeout(this.#retry)
    this.#signal?.removeEventListener('abort', this.#onAbort)
    this.#queue.dropped += this.#queue.length
    this.#queue.clear()
    for (const w of this.#waiters.splice(0)) w.reject(taoError('TAO_ERR_WS_CLIENT_CLOSED', [this.url]))
    const ws = this.#ws
    if (!ws || ws.readyState === ws.CLOSED) {
      this.#closed = Promise.resolve()
      return this.#closed
    }
    this.#closed = new Promise<void>((resolve) => {
      const cut = setTimeout(() => ws.terminate(), CLOSE_TIMEOUT)
      ws.once('close', () => { clearTimeout(cut); resolve() })
    })
    if (ws.readyState === ws.CONNECTING) ws.terminate()
    else ws.close(code, reason)
    return this.#closed
  }

  #connect (): void {
    if (this.#state === 'closed') return
    const { url, connectTimeout, maxMessageSize } = this.#opts
    const { WebSocket: Socket } = require('ws') as typeof import('ws')
    const ws = new Socket(url, this.#handlers.protocols, {
      headers: this.#handlers.headers,
      handshakeTimeout: connectTimeout,
      maxPayload: maxMessageSize,
      perMessageDeflate: false,
    })
    this.#ws = ws
    ws.on('open', () => this.#onOpen(ws))
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary))
    ws.on('pong', () => this.#heartbeat?.seen())
    // ws emits 'close' after every 'error' (a refused connection, a failed upgrade, a timeout).
    ws.on('error', (err) => { this.#lastError = describeError(err) })
    ws.on('close', (code: number, reason: Buffer) => this.#onSocketClose(ws, code, reason.toString()))
  }

  #onOpen (ws: WebSocket): void {
    if (this.#state === 'closed') return
    this.#state = 'open'
    this.#openedAt = Date.now()
    this.#counts.connects++
    const hb = this.#opts.heartbeat
    if (hb) {
      this.#heartbeat = new Heartbeat(ws, hb.interval, hb.timeout, () => {
        this.#counts.heartbeatTimeouts++
        this.#lastError = `no answer to a ping within ${hb.timeout} ms`
        this.#log.warn({ url: this.url }, `websocket client to ${this.url}: the peer did not answer a ping within ${hb.timeout} ms; the connection is replaced`)
        ws.terminate()
      })
    }
    const after = this.#failures > 0 ? ` after ${this.#failures} failed attempt${this.#failures === 1 ? '' : 's'}` : ''
    this.#failuresBeforeOpen = this.#failures
    this.#failures = 0
    this.#log.info({ url: this.url }, `websocket client connected to ${this.url}${after}`)
    this.#inOpen = true
    try {
      this.#call('onOpen', this)
    } finally {
      this.#inOpen = false
    }
    this.#flush()
    for (const w of this.#waiters.splice(0)) w.resolve()
  }

  #onMessage (data: RawData, isBinary: boolean): void {
    this.#heartbeat?.seen()
    if (this.#state === 'closed') return
    this.#counts.received++
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
    this.#call('onMessage', isBinary ? buffer : buffer.toString(), this)
  }

  #onSocketClose (ws: WebSocket, code: number, reason: string): void {
    if (this.#ws !== ws) return
    this.#ws = null
    this.#heartbeat?.stop()
    this.#heartbeat = null
    // After close() (the state is already 'closed'): nothing to report, nothing to retry.
    if (this.#state === 'closed') return
    const wasOpen = this.#state === 'open'
    if (wasOpen && Date.now() - this.#openedAt < STABLE_AFTER) this.#failures = this.#failuresBeforeOpen
    const policy = this.#opts.reconnect
    if (policy === false) {
      this.#log.warn({ url: this.url, code }, `websocket client to ${this.url}: the connection closed (${code}${this.#lastError ? `, ${this.#lastError}` : ''}); reconnect is off, so the client is closed`)
      this.close().catch(() => {})
      this.#call('onClose', { code, reason, willReconnect: false }, this)
      return
    }
    const delay = reconnectDelay(this.#failures, policy)
    this.#failures++
    this.#state = 'reconnecting'
    const why = wasOpen ? `the connection closed (${code}${reason ? ` ${reason}` : ''}${this.#lastError ? `, ${this.#lastError}` : ''})` : `could not connect (${this.#lastError || `closed with ${code}`})`
    // The first failure in a row is a warning; the retries that follow are debug lines.
    const level = this.#failures === 1 ? 'warn' : 'debug'
    this.#log[level]({ url: this.url, attempt: this.#failures, delay }, `websocket client to ${this.url}: ${why}; reconnecting in ${delay} ms`)
    this.#lastError = ''
    this.#retry = setTimeout(() => this.#connect(), delay)
    if (wasOpen) this.#call('onClose', { code, reason, willReconnect: true, delay }, this)
  }

  // A socket that began closing (the peer's close frame is in) takes nothing more: what is
  // sent then waits in the queue for the next connection instead of being lost.
  #writable (ws: WebSocket | null): ws is WebSocket {
    return this.#state === 'open' && ws !== null && ws.readyState === ws.OPEN
  }

  #write (ws: WebSocket, item: Outgoing): void {
    this.#counts.sent++
    ws.send(item.data, { binary: item.binary }, this.#written)
  }

  /** Writes queued messages while the connection is open and its buffer below the limit. */
  #flush (): void {
    const ws = this.#ws
    if (!this.#writable(ws)) return
    while (this.#queue.length > 0 && ws.bufferedAmount <= this.#opts.maxBufferedAmount) this.#write(ws, this.#queue.shift()!)
    if (this.#queue.length === 0) this.#dropping = false
  }

  // A handler's error is logged and contained: the connection goes on.
  #call<K extends 'onOpen' | 'onMessage' | 'onClose'> (name: K, ...args: Parameters<NonNullable<WebsocketClientOptions[K]>>): void {
    const handler = this.#handlers[name] as ((...a: unknown[]) => unknown) | undefined
    if (!handler) return
    const fail = (err: unknown): void => { this.#log.error({ err, url: this.url }, `websocket client to ${this.url}: its ${name} handler failed: ${describeError(err)}`) }
    try {
      const result = handler(...args)
      if (result instanceof Promise) result.catch(fail)
    } catch (err) {
      fail(err)
    }
  }
}

/**
 * Opens a websocket client connection held until `options.signal` aborts or close() is called.
 * In a service, prefer `ctx.connect(url, options)`: it is tied to the service's life.
 * @example connectWebsocket('ws://127.0.0.1:8080/clock/socket', { onMessage: (data) => { ... } })
 * @throws TAO_ERR_WS_CLIENT_INVALID for a bad URL or option.
 * @see docs/reference/services.md
 */
export function connectWebsocket (url: string | URL, options?: WebsocketClientOptions): WebsocketClient {
  return new WebsocketClient(url, options)
}
