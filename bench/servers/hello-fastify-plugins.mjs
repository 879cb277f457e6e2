// Bare Fastify with the plugins tao's default stack is built from, wired by hand as their
// READMEs show: what a user would write to get the same protections without tao.
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyMultipart from '@fastify/multipart'
import fastifySecureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import { announce } from '../lib/serve.mjs'

const app = Fastify({ logger: false })
await app.register(fastifyHelmet)
await app.register(fastifySecureSession, { key: Buffer.alloc(32, 1), cookie: { path: '/', httpOnly: true } })
await app.register(fastifyFormbody)
await app.register(fastifyMultipart)
await app.register(fastifyCsrf, { sessionPlugin: '@fastify/secure-session' })
app.get('/hello', async () => ({ hello: 'world' }))
announce(await app.listen({ port: 0, host: '127.0.0.1' }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
