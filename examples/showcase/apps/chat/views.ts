import type { Reply, Request, WsHandler } from '@tao/core'

const ROOM = 'chat'
const MAX_NAME = 30
const MAX_TEXT = 500

export async function index (_req: Request, reply: Reply) {
  return reply.render('chat:index', { maxName: MAX_NAME, maxText: MAX_TEXT })
}

/** The one message shape a client may send: { name, text }, both non-empty, within limits. */
function parse (data: string): { name: string, text: string } | null {
  let value: unknown
  try { value = JSON.parse(data) } catch { return null }
  const { name, text } = (value ?? {}) as Record<string, unknown>
  if (typeof name !== 'string' || typeof text !== 'string') return null
  const message = { name: name.trim().slice(0, MAX_NAME), text: text.trim().slice(0, MAX_TEXT) }
  return message.name && message.text ? message : null
}

/** Every browser on the page joins one channel; what one sends, all receive. */
export const socket: WsHandler<'/socket'> = (socket, req) => {
  socket.on('message', (data) => {
    const message = parse(data.toString())
    if (message) req.channels.publish(ROOM, { type: 'message', ...message })
  })
  req.channels.join(ROOM, socket)
  req.channels.publish(ROOM, { type: 'presence', online: req.channels.size(ROOM) })
  socket.on('close', () => req.channels.publish(ROOM, { type: 'presence', online: req.channels.size(ROOM) }))
}
