import type { FastifyBaseLogger } from 'fastify'
import { MongoClient, type CommandFailedEvent, type CommandStartedEvent, type CommandSucceededEvent, type Db } from 'mongodb'
import type { EmbeddedMongo } from '@tao/embedded-mongo'
import { isTaoError, taoError, type TaoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import { debugToolbarEnabled } from '../debug/enabled.js'
import { databaseTarget, startEmbeddedStore, type DatabaseTarget } from './embedded.js'
import { DbDeadline, DeadlineSlots } from './deadline.js'
import { LocalReadsDb } from './local-reads.js'
import { toTimeoutError, toUnavailableError } from './outage.js'
import { describeHosts, redactUrl, scrubSecrets } from './url.js'

/** Pause between two reconnection attempts after a failed start (each attempt itself waits up to serverSelectionTimeoutMS). */
const RETRY_DELAY_MS = 1000

/** A listener of the driver's command monitoring events (see {@link Database.onCommand}). */
export type CommandListener = (event: CommandStartedEvent | CommandSucceededEvent | CommandFailedEvent) => void

const COMMAND_EVENTS = ['commandStarted', 'commandSucceeded', 'commandFailed'] as const

/**
 * The one pooled MongoClient of an app, and the embedded store behind it when there is no
 * database URL. Created at boot (a bad URL fails then); `start()` connects once when the app
 * becomes ready, `close()` closes the client, then the store. Nothing connects per request.
 */
export class Database {
  readonly target: DatabaseTarget
  /** The database `db` opens (settings.database.name). */
  readonly name: string
  readonly #options: Settings['database']
  readonly #required: boolean
  readonly #log: FastifyBaseLogger
  #host: string
  #store: EmbeddedMongo | null = null
  #client: MongoClient | null = null
  #db: Db | null = null
  #starting: Promise<void> | null = null
  #closing: Promise<void> | null = null
  #retryTimer: NodeJS.Timeout | undefined
  #pending: MongoClient | null = null
  // Command monitoring, for the debug toolbar: on only in debug with the toolbar on.
  readonly #monitor: boolean
  readonly #commandListeners = new Set<CommandListener>()
  // The signals of the requests' database deadlines. Their reason names no route ('a request');
  // translate() names it when the error reaches the error handler.
  readonly #slots = new DeadlineSlots((ms) => taoError('TAO_ERR_DB_TIMEOUT', ['A request', `${ms} ms`, this.#host], { host: this.#host, retryAfter: this.#retryAfter(), ms }))

  /** @throws TAO_ERR_DB_URL_INVALID when the URL cannot be parsed (the message never shows its password). */
  constructor (settings: Settings, log: FastifyBaseLogger) {
    this.#options = settings.database
    this.#monitor = debugToolbarEnabled(settings)
    this.#log = log
    this.name = settings.database.name
    this.target = databaseTarget(settings)
    const require = settings.database.requireOnStart
    this.#required = require === 'auto' ? settings.debug : require
    if (this.target.kind === 'server') {
      this.#host = describeHosts(this.target.url)
      this.#client = this.#newClient(this.target.url)
      this.#db = this.#client.db(this.name)
    } else {
      this.#host = this.target.dir === undefined ? 'the embedded store (in memory)' : `the embedded store (${this.target.dir})`
    }
  }

  /**
   * The `Db` of settings.database.name.
   * @throws TAO_ERR_DB_NOT_READY before the app is ready (the embedded store is not started yet).
   */
  get db (): Db {
    if (!this.#db) throw taoError('TAO_ERR_DB_NOT_READY', ['app.db'])
    return this.#db
  }

  /**
   * The MongoClient. After a failed start it is replaced once the database is reachable.
   * @throws TAO_ERR_DB_NOT_READY before the app is ready.
   */
  get client (): MongoClient {
    if (!this.#client) throw taoError('TAO_ERR_DB_NOT_READY', ['app.mongo'])
    return this.#client
  }

  /** Where the database is, for messages: hosts without credentials, or the embedded store. */
  get host (): string {
    return this.#host
  }

  /** A driver outage error as TAO_ERR_DB_UNAVAILABLE (503) naming the host; null for any other error. */
  unavailable (err: unknown): TaoError | null {
    return toUnavailableError(err, this.#host, (text) => this.#scrub(text), this.#retryAfter())
  }

  /**
   * A database error as the 503 users should see: an outage (TAO_ERR_DB_UNAVAILABLE), or an
   * operation the server stopped at its maxTimeMS (TAO_ERR_DB_TIMEOUT); null for any other.
   */
  translate (err: unknown, route: string): TaoError | null {
    // A deadline's reason is shared by the requests of its slot: name this one's route.
    if (isTaoError(err, 'TAO_ERR_DB_TIMEOUT') && err.details.route === undefined && typeof err.details.ms === 'number') {
      return this.#timeout(route, err.details.ms, err)
    }
    return this.unavailable(err) ?? toTimeoutError(err, route, this.#host, this.#retryAfter())
  }

  #timeout (route: string, ms: number, cause?: unknown): TaoError {
    return taoError('TAO_ERR_DB_TIMEOUT', [route, `${ms} ms`, this.#host], { host: this.#host, retryAfter: this.#retryAfter(), route, ms }, cause === undefined ? {} : { cause })
  }

  /** A database deadline of `ms` for a request (see {@link DbDeadline}). */
  deadline (ms: number): DbDeadline {
    return new DbDeadline(ms, this.#slots)
  }

  #retryAfter (): number {
    return Math.max(1, Math.ceil(this.#options.retryAfter / 1000))
  }

  /**
   * Calls `listener` with the command events of every client this Database opens. Events are
   * only emitted when debug and the debug toolbar are on (the driver's `monitorCommands`).
   */
  onCommand (listener: CommandListener): void {
    this.#commandListeners.add(listener)
  }

  /**
   * Starts the embedded store if needed and connects the client.
   * @throws TAO_ERR_DB_UNREACHABLE when the database cannot be reached and it is required at
   *   start (or it is the embedded store); TAO_ERR_EMBEDDED_* when the store cannot start.
   */
  start (): Promise<void> {
    this.#starting ??= this.target.kind === 'embedded' ? this.#startEmbedded(this.target.dir) : this.#connectServer()
    return this.#starting
  }

  /** Stops reconnecting, closes the client, then the embedded store (releasing var/db). Idempotent. */
  close (): Promise<void> {
    this.#closing ??= (async () => {
      await this.#starting?.catch(() => {})
      clearTimeout(this.#retryTimer)
      await this.#pending?.close().catch(() => {})
      try {
        await this.#client?.close()
      } finally {
        // Whatever the client did, release var/db so a restarted process can open it.
        await this.#store?.close()
      }
    })()
    return this.#closing
  }

  #newClient (url: string): MongoClient {
    let client: MongoClient
    try {
      client = new MongoClient(url, {
        maxPoolSize: this.#options.maxPoolSize,
        // Every wait is bounded (issue #12). mongodb 7.x ignores timeoutMS (CSOT): each wait has
        // its own bound (finding a server, opening a connection, waiting for a pooled one), and
        // a request's operations keep its database deadline (db/deadline.ts).
        serverSelectionTimeoutMS: this.#options.serverSelectionTimeoutMS,
        connectTimeoutMS: this.#options.connectTimeoutMS,
        socketTimeoutMS: this.#options.socketTimeoutMS,
        waitQueueTimeoutMS: this.#options.waitQueueTimeoutMS,
        appName: 'tao',
        monitorCommands: this.#monitor,
      })
    } catch (err) {
      throw taoError('TAO_ERR_DB_URL_INVALID', [redactUrl(url), this.#scrub((err as Error).message)], {}, { cause: err })
    }
    if (this.#monitor) {
      const relay: CommandListener = (event) => { for (const listener of this.#commandListeners) listener(event) }
      for (const name of COMMAND_EVENTS) client.on(name, relay)
    }
    return client
  }

  #scrub (text: string): string {
    return scrubSecrets(text, this.target.kind === 'server' ? this.target.url : undefined)
  }

  #unreachable (err: unknown): TaoError {
    const e = err as Error
    const reason = `${e.name}: ${this.#scrub(String(e.message).split('\n')[0] ?? '')}`
    return taoError('TAO_ERR_DB_UNREACHABLE', [this.#host, this.#options.serverSelectionTimeoutMS, reason], { host: this.#host }, { cause: err })
  }

  async #startEmbedded (dir: string | undefined): Promise<void> {
    const store = await startEmbeddedStore(dir, (msg) => this.#log.warn(`database: ${msg}`))
    const client = this.#newClient(store.uri)
    try {
      await client.connect()
    } catch (err) {
      await client.close().catch(() => {})
      await store.close()
      throw this.#unreachable(err)
    }
    this.#store = store
    this.#client = client
    // The store runs in this process: finds by _id skip the wire. Not while the debug
    // toolbar monitors commands, which must see every query.
    this.#db = this.#monitor ? client.db(this.name) : new LocalReadsDb(client, this.name, store.readById)
    this.#host = `the embedded store at ${store.address}`
    this.#log.info(dir === undefined
      ? `database: embedded store in memory (${store.uri}), database '${this.name}'; its data is lost when the process exits`
      : `database: embedded store, data in ${dir} (${store.uri}), database '${this.name}'`)
  }

  async #connectServer (): Promise<void> {
    const client = this.client
    const where = `${redactUrl((this.target as { url: string }).url)}, database '${this.name}'`
    try {
      await client.connect()
      this.#log.info(`database: connected to ${where}`)
    } catch (err) {
      // The driver closes a client whose first connection failed: requests get a 503 from
      // it at once, and fresh clients keep trying in the background until one connects.
      await client.close().catch(() => {})
      const error = this.#unreachable(err)
      if (this.#required) throw error
      this.#log.error(`${error.message} Starting anyway (database.requireOnStart is off): requests that use the database answer 503 until it is reachable.`)
      this.#scheduleReconnect()
    }
  }

  #scheduleReconnect (): void {
    if (this.#closing) return
    this.#retryTimer = setTimeout(() => { this.#reconnect().catch(() => {}) }, RETRY_DELAY_MS)
    this.#retryTimer.unref()
  }

  async #reconnect (): Promise<void> {
    if (this.#closing || this.target.kind !== 'server') return
    const client = this.#newClient(this.target.url)
    this.#pending = client
    try {
      await client.connect()
    } catch {
      this.#pending = null
      await client.close().catch(() => {})
      this.#scheduleReconnect()
      return
    }
    this.#pending = null
    if (this.#closing) {
      await client.close()
      return
    }
    const old = this.#client
    this.#client = client
    this.#db = client.db(this.name)
    await old?.close().catch(() => {})
    this.#log.info(`database: ${this.#host} is reachable; requests use it again`)
  }
}
