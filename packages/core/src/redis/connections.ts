import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { taoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import { closeRedisClient, createRedisClient } from './client.js'
import { describeRedis } from './url.js'

/**
 * The Redis connections of one app, made on first use: nothing connects when no concern asks
 * for Redis, or when no URL is set, and nothing before the app is ready. `client()` is the one shared connection for commands
 * (cache, rate limits); `subscriber()` makes a dedicated one, since a connection in pub/sub
 * mode runs no other command. `close()` ends them all when the app closes.
 */
export class RedisConnections {
  /** settings.redis.url (TAO_REDIS_URL), or undefined when Redis is not configured. */
  readonly url: string | undefined
  /** Start of every key and channel name (settings.redis.prefix). */
  readonly prefix: string
  readonly #settings: Settings['redis']
  readonly #log: FastifyBaseLogger
  readonly #clients = new Set<Redis>()
  #shared: Redis | null = null
  #closed = false
  // Connections made during boot wait for start() (the app is ready): a boot that fails later
  // leaves no socket open behind it.
  #started = false

  constructor (settings: Settings, log: FastifyBaseLogger) {
    this.#settings = settings.redis
    this.url = settings.redis.url
    this.prefix = settings.redis.prefix
    this.#log = log
  }

  /** True when a Redis URL is set. */
  get configured (): boolean {
    return this.url !== undefined
  }

  /** Where Redis is ('host:port' or a socket path), for messages; no credentials. */
  get where (): string {
    return this.url === undefined ? '(no Redis configured)' : describeRedis(this.url)
  }

  /**
   * The shared command connection, connecting on the first call. Commands fail with the
   * client's error while Redis is unreachable (see createRedisClient); it reconnects by itself.
   * @throws TAO_ERR_REDIS_NOT_CONFIGURED when no Redis URL is set.
   */
  client (what = 'this feature'): Redis {
    this.#shared ??= this.open('commands', what)
    return this.#shared
  }

  /**
   * A new connection of its own (for SUBSCRIBE, or blocking commands), for `url` or the
   * project's Redis; connecting starts at once and is closed with the app.
   * @throws TAO_ERR_REDIS_NOT_CONFIGURED when neither `url` nor settings.redis.url is set.
   */
  open (name: string, what = name, url = this.url): Redis {
    if (url === undefined) throw taoError('TAO_ERR_REDIS_NOT_CONFIGURED', [what])
    if (this.#closed) throw taoError('TAO_ERR_REDIS_UNAVAILABLE', [describeRedis(url), 'the app is closing'])
    const client = createRedisClient(url, {
      name,
      log: this.#log,
      connectTimeout: this.#settings.connectTimeout,
      commandTimeout: this.#settings.commandTimeout,
    })
    this.#clients.add(client)
    client.once('end', () => this.#clients.delete(client))
    if (this.#started) connectInBackground(client)
    return client
  }

  /** Connects what was opened during boot, and from now on connects at once. */
  start (): void {
    this.#started = true
    for (const client of this.#clients) if (client.status === 'wait') connectInBackground(client)
  }

  /** Closes every connection made. Idempotent. */
  async close (): Promise<void> {
    this.#closed = true
    this.#shared = null
    await Promise.all([...this.#clients].map(async (c) => { await closeRedisClient(c) }))
    this.#clients.clear()
  }
}

// The first connection failure is logged by the client's 'error' listener; retries go on by themselves.
function connectInBackground (client: Redis): void {
  client.connect().catch(() => {})
}
