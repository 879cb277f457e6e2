import type { Reply, Request, WsHandler } from '@tao/core'
import { CHANNEL as CLOCK } from '../clock/services.js'
import { CHANNEL, latest, MACHINES } from './services.js'

export async function index (_req: Request, reply: Reply) {
  return reply.render('pipeline:index', { latest, urls: { pin: MACHINES.pin(), buzzer: MACHINES.buzzer() } })
}

/** The page's one socket: the clock's ticks and the machines' reports, starting with the latest. */
export const socket: WsHandler<'/socket'> = (socket, req) => {
  for (const state of Object.values(latest)) socket.send(JSON.stringify(state))
  req.channels.join(CLOCK, socket)
  req.channels.join(CHANNEL, socket)
}
