import type { Redis } from 'ioredis'
import type { AttemptStore } from '../auth/throttle.js'
import { readyClient } from '../cache/redis-ready.js'

// One round trip, atomic: count, and start the window on the first hit (or on a key left
// without expiry by anything else).
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`

const PEEK = `
local count = redis.call('GET', KEYS[1])
if not count then return false end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return false end
return {tonumber(count), ttl}`

interface CounterCommands {
  taoCounterHit (key: string, windowMs: number): Promise<[number, number]>
  taoCounterPeek (key: string): Promise<[number, number] | null>
}

/** Defines the two scripts on `client` once (ioredis sends EVALSHA, EVAL when Redis lacks the script). */
function commands (client: Redis): Redis & CounterCommands {
  const c = client as Redis & Partial<CounterCommands>
  if (c.taoCounterHit === undefined) {
    client.defineCommand('taoCounterHit', { numberOfKeys: 1, lua: HIT })
    client.defineCommand('taoCounterPeek', { numberOfKeys: 1, lua: PEEK })
  }
  return c as Redis & CounterCommands
}

/**
 * Fixed-window counters in Redis (INCR + PEXPIRE in one script), shared by every process and
 * machine: the rate limits' store and, with Redis configured, the login throttle's. While Redis
 * is unreachable each call fails at once (the connection queues nothing); callers decide
 * (rate limits let the request through, the login throttle refuses to count).
 */
export function redisCounters (connection: () => Redis): AttemptStore {
  const client = () => readyClient(connection())
  return {
    async peek (key) {
      const found = await commands(client()).taoCounterPeek(key)
      return found === null ? null : { count: Number(found[0]), resetAt: new Date(Date.now() + Number(found[1])) }
    },
    async hit (key, windowMs) {
      const [count, ttl] = await commands(client()).taoCounterHit(key, windowMs)
      return { count: Number(count), resetAt: new Date(Date.now() + Number(ttl)) }
    },
    async clear (key) {
      await client().del(key)
    },
  }
}
