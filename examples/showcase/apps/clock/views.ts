import type { Reply, Request, WsHandler } from '@tao/core'
import { CHANNEL } from './services.js'

export async function index (_req: Request, reply: Reply) {
  return reply.render('clock:index', { now: new Date().toISOString() })
}

/** Listens only: the clock:tick service publishes to the channel, the socket relays it. */
export const socket: WsHandler<'/socket'> = (socket, req) => {
  req.channels.join(CHANNEL, socket)
}
