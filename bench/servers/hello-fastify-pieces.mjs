// Bare Fastify's hello route plus, one by one, the pieces tao adds to every request of a page,
// written the way tao writes them (bench/hello-breakdown.mjs counts each). argv[2]: a comma
// list of host, headers, deadline, session ('all' for every one).
import Fastify from 'fastify'
import { announce } from '../lib/serve.mjs'

const asked = process.argv[2] ?? ''
const has = (piece) => asked === 'all' || asked.split(',').includes(piece)
const app = Fastify({ logger: false })

if (has('host')) {
  // security/plugin.ts checkHost: decode %-escapes of the path, then the Host against the allowlist.
  const allowed = new Set(['127.0.0.1', 'localhost'])
  app.addHook('onRequest', function checkHost (req, reply, done) {
    const raw = req.raw.url
    if (raw !== undefined && raw.includes('%')) req.raw.url = decodeURI(raw)
    const host = req.host
    const colon = host.lastIndexOf(':')
    if (!allowed.has(colon === -1 ? host : host.slice(0, colon))) { reply.code(400).send(); return }
    done()
  })
}
if (has('deadline')) {
  // server/handler-deadline.ts: a deadline on the reply, in a set until answered, swept each second.
  const kDeadline = Symbol('deadline')
  const pending = new Set()
  app.addHook('onRequest', function startHandlerDeadline (_req, reply, done) {
    reply[kDeadline] = Date.now() + 30_000
    pending.add(reply)
    done()
  })
  app.addHook('onResponse', function endHandlerDeadline (_req, reply, done) {
    pending.delete(reply)
    done()
  })
  setInterval(() => { for (const r of pending) if (r[kDeadline] <= Date.now()) pending.delete(r) }, 1_000).unref()
}
if (has('headers')) {
  // security/plugin.ts securityHeaders: two headers on every response, more on documents.
  app.addHook('onSend', function securityHeaders (_req, reply, payload, done) {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('cross-origin-resource-policy', 'same-origin')
    const type = reply.getHeader('content-type')
    if (typeof type === 'string' && type.startsWith('text/html')) reply.header('x-frame-options', 'DENY')
    done(null, payload)
  })
}
if (has('session')) {
  // session/plugin.ts saveSession: nothing to write when the session and cookies did not change.
  const kSession = Symbol('session')
  const kCookies = Symbol('cookies')
  app.addHook('onSend', function saveSession (req, reply, _payload, done) {
    if (req[kSession]?.changed === true) reply.header('set-cookie', 'x')
    if (reply[kCookies] !== undefined) reply.header('set-cookie', 'y')
    done()
  })
}
app.get('/hello', async () => ({ hello: 'world' }))
announce(await app.listen({ port: 0, host: '127.0.0.1' }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
