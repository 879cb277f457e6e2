import type { Reply, Request, WsHandler } from '@tao/core'
import { buzzer, CHANNEL } from './services.js'

/** The buzz count as JSON, for a quick look (curl) and for health checks. */
export async function state (_req: Request, reply: Reply) {
  return reply.send(buzzer)
}

/** Streams every buzz. */
export const socket: WsHandler<'/socket'> = (socket, req) => {
  req.channels.join(CHANNEL, socket)
}
