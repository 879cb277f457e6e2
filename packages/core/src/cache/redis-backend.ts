import type { Redis } from 'ioredis'
import type { CacheBackend } from './backend.js'
import { readyClient } from './redis-ready.js'

/**
 * The Redis backend: entries shared by every process and machine, on the app's one command
 * connection (redis/connections.ts), with Redis's own expiry (SET PX). While Redis is
 * unreachable nothing is sent (cache/redis-ready.ts): a command fails at once, and the cache
 * acts as a miss (cache/cache.ts).
 */
export class RedisBackend implements CacheBackend {
  readonly kind = 'redis'
  readonly #client: () => Redis

  /** @param client the shared command connection, asked for on each command (made on first use). */
  constructor (client: () => Redis) {
    this.#client = () => readyClient(client())
  }

  async get (key: string): Promise<string | undefined> {
    return (await this.#client().get(key)) ?? undefined
  }

  async set (key: string, value: string, ttl: number): Promise<void> {
    if (ttl > 0) await this.#client().set(key, value, 'PX', ttl)
    else await this.#client().set(key, value)
  }

  async delete (key: string): Promise<void> {
    await this.#client().del(key)
  }
}
