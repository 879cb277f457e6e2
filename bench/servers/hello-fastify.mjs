import Fastify from 'fastify'
import { announce } from '../lib/serve.mjs'

const app = Fastify({ logger: false })
app.get('/hello', async () => ({ hello: 'world' }))
announce(await app.listen({ port: 0, host: '127.0.0.1' }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
