import cluster from 'node:cluster'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { taoError } from '../errors/index.js'
import { createClusterTransport } from './cluster-transport.js'
import { createRedisTransport } from './redis-transport.js'

/** A published message as it travels between processes: text, or bytes for a binary frame. */
export type ChannelPayload = string | Uint8Array

/** Receives every message published to any group, from this process and the others. */
export type ChannelHandler = (group: string, payload: ChannelPayload) => void

/**
 * Carries channel messages between the processes of a site. `publish` must reach every
 * subscribed handler, this process's included; `close` stops both directions. The in-process
 * node:cluster and Redis pub/sub transports ship with tao; another broker implements the same
 * three methods to carry channels across machines.
 * @see docs/reference/websockets.md
 */
export interface ChannelTransport {
  publish: (group: string, payload: ChannelPayload) => void | Promise<void>
  subscribe: (handler: ChannelHandler) => void
  close: () => void | Promise<void>
}

/** The transport of a single process: `publish` calls every handler synchronously. */
export function createMemoryTransport (): ChannelTransport {
  const handlers = new Set<ChannelHandler>()
  return {
    publish (group, payload) {
      for (const handler of handlers) handler(group, payload)
    },
    subscribe (handler) {
      handlers.add(handler)
    },
    close () {
      handlers.clear()
    },
  }
}

function assertTransport (value: unknown): asserts value is ChannelTransport {
  const missing = ['publish', 'subscribe', 'close'].filter((m) => typeof (value as Record<string, unknown> | null)?.[m] !== 'function')
  if (missing.length > 0) {
    throw taoError('TAO_ERR_WS_TRANSPORT_INVALID', [`the factory returned ${value === null ? 'null' : typeof value} without ${missing.join(', ')}`])
  }
}

/** The Redis side of {@link resolveTransport}: where channels go when they go over Redis. */
export interface TransportRedis {
  /** settings.redis.url (TAO_REDIS_URL). */
  readonly url: string | undefined
  /** settings.redis.prefix: the site's pub/sub channel is `<prefix>channels`. */
  readonly prefix: string
  /** Opens a connection of its own to `url` (see RedisConnections.open). */
  open: (name: string, what: string, url?: string) => Redis
}

/**
 * The transport chosen by settings.websocket.transport, built once per app at boot. 'auto' is
 * Redis pub/sub when a Redis URL is set (websocket.channels.url, else redis.url), node:cluster
 * IPC in a cluster worker, and in-process otherwise.
 * @throws TAO_ERR_WS_TRANSPORT_INVALID for a factory that returns no transport, or 'cluster'
 *   outside a node:cluster worker.
 * @throws TAO_ERR_REDIS_NOT_CONFIGURED for 'redis' without a Redis URL.
 */
export function resolveTransport (
  ws: { readonly transport: 'auto' | 'memory' | 'cluster' | 'redis' | ((...args: never[]) => unknown), readonly channels?: { readonly url?: string | undefined } },
  redis?: TransportRedis,
  log?: FastifyBaseLogger
): ChannelTransport {
  const option = ws.transport
  if (typeof option === 'function') {
    const transport = option()
    assertTransport(transport)
    return transport
  }
  const url = ws.channels?.url ?? redis?.url
  if (option === 'redis' || (option === 'auto' && url !== undefined && redis !== undefined)) {
    if (redis === undefined || url === undefined) throw taoError('TAO_ERR_REDIS_NOT_CONFIGURED', ["websocket.transport: 'redis'"])
    const what = 'channels over Redis'
    return createRedisTransport({
      publisher: redis.open('channels-publish', what, url),
      subscriber: redis.open('channels-subscribe', what, url),
      channel: `${redis.prefix}channels`,
      log,
    })
  }
  if (option === 'cluster' || (option === 'auto' && cluster.isWorker)) return createClusterTransport()
  return createMemoryTransport()
}
