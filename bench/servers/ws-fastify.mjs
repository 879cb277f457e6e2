// Bare @fastify/websocket: a websocket route that does nothing; a broadcast loops over the clients.
import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import { control } from './ws-control.mjs'

const app = Fastify({ logger: false })
await app.register(fastifyWebsocket)
app.get('/live', { websocket: true }, () => {})
control(await app.listen({ port: 0, host: '127.0.0.1' }), (payload) => {
  for (const client of app.websocketServer.clients) client.send(payload)
})
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
