// The websocket plugin inside a `pages`-like context next to real @fastify/secure-session,
// without a project: until the session concern lands in createApp, this is where "the session
// of the HTTP login is visible in the handler" is proven. Also checks what gets logged.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import fastifySecureSession from '@fastify/secure-session'
import Fastify, { type FastifyInstance } from 'fastify'
import type { RouteRecord } from '../apps/index.js'
import { ws, type WsHandler } from '../routing/route.js'
import { buildSettings } from '../settings/load.js'
import { kChannels } from '../symbols.js'
import { connect, eventually, within } from '../../test/websocket/helpers.js'
import { channelsPlugin } from './channels-plugin.js'
import { websocketPlugin } from './plugin.js'

function wsRoute (path: string, handler: WsHandler, name: string): RouteRecord {
  const def = ws(path, handler, name)
  return { ...def, name: `site:${name}`, app: 'site', generated: false }
}

async function build (t: TestContext, routes: RouteRecord[]): Promise<{ fastify: FastifyInstance, base: string, logs: Array<Record<string, unknown>> }> {
  const logs: Array<Record<string, unknown>> = []
  const stream = new Writable({ write (chunk, _enc, done) { logs.push(JSON.parse(String(chunk))); done() } })
  const settings = buildSettings({ allowedHosts: ['localhost'] }, { root: '/', file: '(test)', env: {} })
  const fastify = Fastify({ logger: { level: 'info', stream } })
  await fastify.register(channelsPlugin, { settings })
  await fastify.register(async function pages (scope) {
    await scope.register(fastifySecureSession, { key: randomBytes(32), cookie: { path: '/' } })
    scope.post('/login', async (req) => {
      // SessionData is the session concern's to declare; set it untyped here.
      const session = req.session as unknown as { set: (key: string, value: unknown) => void }
      session.set('user', (req.body as { user: string }).user)
      return { ok: true }
    })
    await scope.register(websocketPlugin, { routes, settings })
  })
  t.after(() => fastify.close())
  const address = await fastify.listen({ port: 0, host: '127.0.0.1' })
  return { fastify, base: address.replace(/^http/, 'ws'), logs }
}

test('the session set by an HTTP login is visible in the websocket handler', async (t) => {
  const whoami: WsHandler = (socket, req) => {
    socket.send(JSON.stringify({ user: req.session.get('user') ?? null, channels: typeof req.channels.publish }))
  }
  const { fastify, base } = await build(t, [wsRoute('/whoami', whoami, 'whoami')])
  const login = await fastify.inject({ method: 'POST', url: '/login', payload: { user: 'ada' } })
  const cookie = String(login.headers['set-cookie']).split(';')[0]!
  const anonymous = await connect(`${base}/whoami`)
  assert.deepEqual(JSON.parse(await anonymous.next()), { user: null, channels: 'function' })
  const ada = await connect(`${base}/whoami`, { headers: { cookie } })
  assert.deepEqual(JSON.parse(await ada.next()), { user: 'ada', channels: 'function' })
  anonymous.ws.terminate()
  ada.ws.terminate()
})

test('a failing message handler is logged with the upgrade request id; the process never sees it', async (t) => {
  const failing: WsHandler = (socket) => {
    socket.on('message', () => { throw new Error('handler exploded') })
  }
  const { base, logs } = await build(t, [wsRoute('/fail', failing, 'fail')])
  const client = await connect(`${base}/fail`)
  client.ws.send('go')
  assert.equal((await within(client.closed, 'the 1011 close')).code, 1011)
  const entry = logs.find((l) => (l.err as { message?: string } | undefined)?.message === 'handler exploded')
  assert.ok(entry, 'the error was logged')
  assert.equal(entry.level, 50)
  assert.match(String(entry.msg), /websocket message handler failed; the socket is closed with 1011/)
  assert.ok(entry.reqId, 'with the request id of the upgrade')
})

test('a close listener that throws does not keep the socket in its groups', async (t) => {
  const sticky: WsHandler = (socket, req) => {
    socket.on('close', () => { throw new Error('close listener exploded') })
    req.channels.join('sticky', socket)
    socket.send('joined')
  }
  const { fastify, base, logs } = await build(t, [wsRoute('/sticky', sticky, 'sticky')])
  const client = await connect(`${base}/sticky`)
  assert.equal(await client.next(), 'joined')
  assert.equal(fastify[kChannels].size('sticky'), 1)
  client.ws.close()
  await eventually(() => fastify[kChannels].size('sticky') === 0, 'the socket to leave')
  assert.ok(logs.some((l) => (l.err as { message?: string } | undefined)?.message === 'close listener exploded' && /websocket close handler failed/.test(String(l.msg))))
})

test('a client that exceeds the message size is logged as a client error, not a server error', async (t) => {
  const echo: WsHandler = (socket) => { socket.on('message', (data) => socket.send(data)) }
  const { base, logs } = await build(t, [wsRoute('/echo', echo, 'echo')])
  const client = await connect(`${base}/echo`)
  client.ws.send(Buffer.alloc(1024 * 1024 + 1))
  assert.equal((await within(client.closed, 'the 1009 close')).code, 1009)
  await eventually(() => logs.some((l) => l.msg === 'websocket closed by a client error'), 'the log line')
  assert.equal(logs.filter((l) => (l.level as number) >= 50).length, 0)
})
