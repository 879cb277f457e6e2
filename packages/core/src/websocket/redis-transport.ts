import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { ChannelHandler, ChannelPayload, ChannelTransport } from './transport.js'

/** What a Redis transport has done, for logs, tests and the debug toolbar. */
export interface RedisTransportStats {
  /** Messages handed to Redis and acknowledged. */
  published: number
  /** Messages Redis did not take (an outage): they reached this process's members only. */
  failed: number
  /** Messages received from other processes. */
  received: number
}

/** A {@link ChannelTransport} over Redis pub/sub, with its counters. */
export interface RedisTransport extends ChannelTransport {
  readonly stats: Readonly<RedisTransportStats>
}

/** Options of {@link createRedisTransport}. */
export interface RedisTransportOptions {
  /** A connection for PUBLISH (commands). */
  publisher: Redis
  /** A connection of its own for SUBSCRIBE (a subscribed connection runs no other command). */
  subscriber: Redis
  /** The one pub/sub channel of the site, e.g. 'tao:mysite:channels'. */
  channel: string
  log?: FastifyBaseLogger
}

// Frame: kind (0 text, 1 bytes), the publishing process's 8-byte id, the group's length
// (2 bytes) and UTF-8 bytes, then the payload. Bytes in, bytes out: binary frames survive.
const TEXT = 0
const BYTES = 1
const ID_LENGTH = 8
const HEAD = 1 + ID_LENGTH + 2

function encode (origin: Buffer, group: string, payload: ChannelPayload): Buffer {
  const groupBytes = Buffer.from(group, 'utf8')
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  const frame = Buffer.allocUnsafe(HEAD + groupBytes.length + body.length)
  frame[0] = typeof payload === 'string' ? TEXT : BYTES
  origin.copy(frame, 1)
  frame.writeUInt16BE(groupBytes.length, 1 + ID_LENGTH)
  groupBytes.copy(frame, HEAD)
  body.copy(frame, HEAD + groupBytes.length)
  return frame
}

function decode (frame: Buffer): { origin: Buffer, group: string, payload: ChannelPayload } | null {
  if (frame.length < HEAD || (frame[0] !== TEXT && frame[0] !== BYTES)) return null
  const groupEnd = HEAD + frame.readUInt16BE(1 + ID_LENGTH)
  if (groupEnd > frame.length) return null
  const body = frame.subarray(groupEnd)
  return {
    origin: frame.subarray(1, 1 + ID_LENGTH),
    group: frame.toString('utf8', HEAD, groupEnd),
    payload: frame[0] === TEXT ? body.toString('utf8') : Buffer.from(body),
  }
}

/**
 * Channels across processes and machines over Redis pub/sub. Every process of a site
 * subscribes to one channel; `publish` delivers to this process's handlers at once and
 * publishes a frame tagged with this process's id, which this process then ignores, so each
 * member gets a message exactly once. In a node:cluster worker it replaces the IPC relay (the
 * primary relays nothing), so the two never both deliver.
 *
 * The subscription is made on every (re)connection of the subscriber. A publish Redis does not
 * take (an outage) is counted in `stats.failed` and logged once per outage, never thrown into the
 * caller; the message still reaches this process's members.
 */
export function createRedisTransport (opts: RedisTransportOptions): RedisTransport {
  const { publisher, subscriber, channel, log } = opts
  const origin = randomBytes(ID_LENGTH)
  const handlers = new Set<ChannelHandler>()
  const stats: RedisTransportStats = { published: 0, failed: 0, received: 0 }
  let open = true
  let lostSinceLog = 0

  const subscribe = (): void => {
    subscriber.subscribe(channel).catch((err: Error) => log?.warn(`Could not subscribe to the Redis channel ${channel} (${err.message}); retrying on the next reconnection.`))
  }
  const onMessage = (from: Buffer, frame: Buffer): void => {
    if (!open || from.toString() !== channel) return
    const message = decode(frame)
    if (message === null || message.origin.equals(origin)) return
    stats.received++
    for (const handler of handlers) handler(message.group, message.payload)
  }
  // This transport subscribes again on every 'ready' itself (with a catch): ioredis's own
  // resubscription would send a second SUBSCRIBE whose promise nobody handles, an unhandled
  // rejection ("Connection is closed") when the client closes before Redis answers it.
  subscriber.options.autoResubscribe = false
  subscriber.on('ready', subscribe)
  subscriber.on('messageBuffer', onMessage)
  if (subscriber.status === 'ready') subscribe()

  const sent = (): void => {
    stats.published++
    if (lostSinceLog > 0) {
      log?.warn(`${lostSinceLog} channel message(s) published during the Redis outage reached only the members in their own process.`)
      lostSinceLog = 0
    }
  }
  const lost = (err: Error): void => {
    stats.failed++
    if (lostSinceLog++ === 0) log?.warn(`A channel message could not be sent through Redis (${err.message}); it reached this process's members only. Counting until Redis answers again.`)
  }

  return {
    stats,
    publish (group, payload) {
      for (const handler of handlers) handler(group, payload)
      if (!open) return
      publisher.publish(channel, encode(origin, group, payload)).then(sent, lost)
    },
    subscribe (handler) {
      handlers.add(handler)
    },
    close () {
      open = false
      handlers.clear()
      subscriber.off('ready', subscribe)
      subscriber.off('messageBuffer', onMessage)
    },
  }
}
