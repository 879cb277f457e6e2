import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fixtureApp } from '../kernel/helpers.js'
import { connect, refusal, within } from './helpers.js'

test('idle sockets are pinged; one that stops answering is dropped, one that answers stays', async (t) => {
  const app = await fixtureApp('ws-chat', { settings: { websocket: { pingInterval: 300 } } })
  t.after(() => app.close())
  const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  const answering = await connect(`${base}/chat/room/idle`)
  const mute = await connect(`${base}/chat/room/idle`, { autoPong: false })
  let pings = 0
  answering.ws.on('ping', () => { pings++ })
  // The mute client is cut (no close frame: 1006) after a ping it did not answer.
  assert.equal((await within(mute.closed, 'the mute client to be dropped')).code, 1006)
  await within(new Promise<void>((resolve) => answering.ws.on('ping', () => { if (pings >= 3) resolve() })), 'three pings')
  assert.equal(answering.ws.readyState, answering.ws.OPEN)
  assert.equal(app.channels.size('room:idle'), 1)
  answering.ws.terminate()
})

test('app.close() closes every socket with 1001 after the app stops accepting, and resolves', async () => {
  const app = await fixtureApp('ws-chat')
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const base = address.replace(/^http/, 'ws')
  const clients = await Promise.all([connect(`${base}/chat/echo`), connect(`${base}/chat/room/bye`), connect(`${base}/chat/fail`)])
  let refusedDuringClose: Promise<unknown> | undefined
  clients[0]!.ws.on('close', () => {
    // Sockets are closed once new upgrades are refused.
    refusedDuringClose = refusal(`${base}/chat/echo`).then((r) => r.status, (err: Error) => err.message)
  })
  await within(app.close(), 'app.close()')
  for (const client of clients) {
    assert.deepEqual(await within(client.closed, 'the 1001 close'), { code: 1001, reason: 'Server shutting down' })
  }
  // Refused: 503 while Fastify drains, or no connection at all once the listener is gone.
  const late = await refusedDuringClose
  assert.ok(late === 503 || /ECONNRESET|ECONNREFUSED|socket hang up/.test(String(late)), `a new upgrade during close was ${String(late)}`)
  assert.equal(app.channels.size('room:bye'), 0)
})

test('a client that ignores the close handshake is cut after settings.websocket.closeTimeout', async () => {
  const app = await fixtureApp('ws-chat', { settings: { websocket: { closeTimeout: 200 } } })
  const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  const client = await connect(`${base}/chat/echo`)
  client.ws.pause() // never reads the close frame, never answers it
  await within(app.close(), 'app.close() despite a client that does not answer')
  client.ws.resume()
  assert.equal((await within(client.closed, 'the cut')).code, 1001)
})

test('an upgrade answered with plain HTTP (bad host, unknown path) does not hold up shutdown', async () => {
  const app = await fixtureApp('ws-chat', { settings: { allowedHosts: ['example.org'] } })
  const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  await assert.rejects(connect(`${base}/chat/room/lobby`), (err: { status?: number }) => err.status === 400)
  const other = await fixtureApp('ws-chat')
  const otherBase = (await other.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  await assert.rejects(connect(`${otherBase}/nope`), (err: { status?: number }) => err.status === 404)
  // The clients above keep their sockets open; close must not wait for them.
  await within(Promise.all([app.close(), other.close()]), 'app.close() after refused upgrades', 5_000)
})
