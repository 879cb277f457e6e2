import cluster from 'node:cluster'
import { taoError } from '../errors/index.js'
import { createClusterTransport } from './cluster-transport.js'

/** A published message as it travels between processes: text, or bytes for a binary frame. */
export type ChannelPayload = string | Uint8Array

/** Receives every message published to any group, from this process and the others. */
export type ChannelHandler = (group: string, payload: ChannelPayload) => void

/**
 * Carries channel messages between the processes of a site. `publish` must reach every
 * subscribed handler, this process's included; `close` stops both directions. The in-process
 * and node:cluster transports ship with tao; a shared broker (Redis pub/sub, say) implements
 * the same three methods to carry channels across machines.
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

/**
 * The transport chosen by settings.websocket.transport, built once per app at boot.
 * @throws TAO_ERR_WS_TRANSPORT_INVALID for a factory that returns no transport, or 'cluster'
 *   outside a node:cluster worker.
 */
export function resolveTransport (option: 'auto' | 'memory' | 'cluster' | ((...args: never[]) => unknown)): ChannelTransport {
  if (typeof option === 'function') {
    const transport = option()
    assertTransport(transport)
    return transport
  }
  if (option === 'cluster' || (option === 'auto' && cluster.isWorker)) return createClusterTransport()
  return createMemoryTransport()
}
