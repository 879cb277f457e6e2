import { debuglog } from 'node:util'
import { taoError } from '../errors/index.js'
import type { ChannelHandler, ChannelPayload, ChannelTransport } from './transport.js'

const debug = debuglog('tao:websocket')

/**
 * What a worker sends its primary for every publish. The primary forwards each message whose
 * `tao` is 'relay' unchanged to every other live worker. Binary payloads travel as base64,
 * since IPC messages are JSON.
 */
export interface RelayMessage {
  tao: 'relay'
  kind: 'channels'
  group: string
  payload: string | { base64: string }
  /** The publishing process (its pid), so it never delivers its own message twice. */
  origin: number
}

function isRelay (msg: unknown): msg is RelayMessage {
  const m = msg as Partial<RelayMessage> | null
  return typeof m === 'object' && m !== null && m.tao === 'relay' && m.kind === 'channels' && typeof m.group === 'string'
}

function encode (payload: ChannelPayload): RelayMessage['payload'] {
  if (typeof payload === 'string') return payload
  return { base64: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64') }
}

function decode (payload: RelayMessage['payload']): ChannelPayload | null {
  if (typeof payload === 'string') return payload
  if (typeof payload?.base64 === 'string') return Buffer.from(payload.base64, 'base64')
  return null
}

/** The IPC side of a worker process: `send` and the 'message' event (node:cluster or child_process). */
export type IpcProcess = Pick<NodeJS.Process, 'pid' | 'on' | 'off'> & {
  send?: NodeJS.Process['send']
  connected?: boolean
}

/**
 * Channels across the workers of one machine over node:cluster IPC: `publish` delivers to this
 * worker's handlers at once and sends a {@link RelayMessage} to the primary, which relays it
 * to the other workers; relayed messages are handed to this worker's handlers.
 * @throws TAO_ERR_WS_TRANSPORT_INVALID when the process has no IPC channel (not a worker).
 */
export function createClusterTransport (proc: IpcProcess = process): ChannelTransport {
  if (typeof proc.send !== 'function') {
    throw taoError('TAO_ERR_WS_TRANSPORT_INVALID', ["'cluster' needs a worker started by node:cluster, and this process has no IPC channel"])
  }
  const send = proc.send.bind(proc)
  const handlers = new Set<ChannelHandler>()
  const origin = proc.pid
  let open = true
  const onSent = (err: Error | null): void => {
    // The primary is gone or the channel closed: this worker is on its way out.
    if (err) debug('relay not sent: %s', err.message)
  }
  const onMessage = (msg: unknown): void => {
    if (!open || !isRelay(msg) || msg.origin === origin) return
    const payload = decode(msg.payload)
    if (payload === null) return
    for (const handler of handlers) handler(msg.group, payload)
  }
  proc.on('message', onMessage)
  return {
    publish (group, payload) {
      for (const handler of handlers) handler(group, payload)
      if (!open || proc.connected === false) return
      const message: RelayMessage = { tao: 'relay', kind: 'channels', group, payload: encode(payload), origin }
      send(message, undefined, undefined, onSent)
    },
    subscribe (handler) {
      handlers.add(handler)
    },
    close () {
      open = false
      handlers.clear()
      proc.off('message', onMessage)
    },
  }
}
