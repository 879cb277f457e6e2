import type { Redis } from 'ioredis'

/**
 * `client` when its connection is up, else an error at once. While Redis is down the client
 * keeps trying to reconnect, and a command sent during an attempt waits for it (up to the
 * command timeout, 1 s by default): the cache and the rate limits would make every request
 * that slow for the whole outage. Checking the status first makes a miss immediate.
 */
export function readyClient (client: Redis): Redis {
  if (client.status !== 'ready') throw Object.assign(new Error(`Redis is not connected (connection ${client.status})`), { code: 'TAO_REDIS_NOT_READY' })
  return client
}
