import type { Reply, Request, WsHandler } from '@tao/core'
import { CHANNEL, pin } from './services.js'

/** The pin's level as JSON, for a quick look (curl) and for health checks. */
export async function state (_req: Request, reply: Reply) {
  return reply.send(pin)
}

/** Streams every toggle; a new listener gets the current level first. */
export const socket: WsHandler<'/socket'> = (socket, req) => {
  socket.send(JSON.stringify(pin))
  req.channels.join(CHANNEL, socket)
}
