import assert from 'node:assert/strict'
import { setImmediate as tick } from 'node:timers/promises'
import { test, type TestContext } from 'node:test'
import { isTaoError, type TaoApp, type UserSettings } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'
import { connect, eventually, within, type Client } from './helpers.js'

async function serve (t: TestContext, settings: UserSettings = {}): Promise<{ app: TaoApp, base: string }> {
  const app = await fixtureApp('ws-chat', { settings })
  t.after(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base: address.replace(/^http/, 'ws') }
}

async function room (base: string, name: string, count: number): Promise<Client[]> {
  const clients: Client[] = []
  for (let i = 0; i < count; i++) {
    const client = await connect(`${base}/chat/room/${name}`)
    await client.next() // the hello: it has joined
    clients.push(client)
  }
  return clients
}

test('a message published to a group reaches every member, and only members', async (t) => {
  const { app, base } = await serve(t)
  const members = await room(base, 'lobby', 100)
  const outsider = (await room(base, 'elsewhere', 1))[0]!
  assert.equal(app.channels.size('room:lobby'), 100)
  members[0]!.ws.send('hi all')
  for (const client of members) {
    assert.deepEqual(JSON.parse(await client.next()), { from: process.pid, text: 'hi all' })
  }
  outsider.ws.send('me?')
  assert.deepEqual(JSON.parse(await outsider.next()), { from: process.pid, text: 'me?' })
  assert.equal(outsider.received.length, 2, 'the outsider got its hello and its own message only')
  for (const client of [...members, outsider]) client.ws.terminate()
})

test('views publish through req.channels; sockets leave every group when they close', async (t) => {
  const { app, base } = await serve(t)
  const [a, b] = await room(base, 'news', 2)
  const res = await app.inject({ method: 'POST', url: app.url('chat:post', { name: 'news' }), payload: 'extra', headers: { 'content-type': 'text/plain' } })
  assert.deepEqual(res.json(), { sent: true, size: 2 })
  assert.deepEqual(JSON.parse(await a!.next()), { from: 'view', text: 'extra' })
  assert.deepEqual(JSON.parse(await b!.next()), { from: 'view', text: 'extra' })
  a!.ws.close()
  await a!.closed
  await eventually(() => app.channels.size('room:news') === 1, 'the closed socket to leave')
  b!.ws.terminate()
  await eventually(() => app.channels.size('room:news') === 0, 'the terminated socket to leave')
  assert.deepEqual((await app.inject(app.url('chat:size', { name: 'news' }))).json(), { size: 0 })
})

test('app.channels publishes text, bytes and JSON values; a bad group or value is a coded error', async (t) => {
  const { app, base } = await serve(t)
  const [client] = await room(base, 'kinds', 1)
  const frames: Array<[string, boolean]> = []
  client!.ws.on('message', (data, binary) => frames.push([binary ? [...(data as Buffer)].join(',') : data.toString(), binary]))
  app.channels.publish('room:kinds', 'plain')
  app.channels.publish('room:kinds', Buffer.from([7, 8]))
  app.channels.publish('room:kinds', new Uint8Array([9]).buffer)
  app.channels.publish('room:kinds', { n: 1 })
  app.channels.publish('nobody-here', 'lost')
  await eventually(() => frames.length === 4, 'four frames')
  assert.deepEqual(frames, [['plain', false], ['7,8', true], ['9', true], ['{"n":1}', false]])
  assert.throws(() => app.channels.publish('', 'x'), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CHANNEL_INVALID') && /channels\.publish\(\): the group must be a non-empty string, got ""/.test(err.message))
  assert.throws(() => app.channels.publish('room:kinds', undefined as never), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CHANNEL_INVALID') && /send a string, bytes or a JSON value/.test(err.message))
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  assert.throws(() => app.channels.publish('room:kinds', cyclic), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CHANNEL_INVALID') && /cannot be sent as JSON/.test(err.message))
  client!.ws.terminate()
  await client!.closed
  // A closed socket cannot join.
  assert.equal(app.channels.join('room:kinds', client!.ws), false)
})

test('a client that stops reading is dropped once its buffered data passes the limit; the others get everything', async (t) => {
  const { app, base } = await serve(t, { websocket: { maxBufferedAmount: '256kb' } })
  const [slow, fast1, fast2] = await room(base, 'firehose', 3)
  slow!.ws.pause() // stops reading from its TCP socket
  const chunk = 'y'.repeat(64 * 1024)
  let published = 0
  // Bounded: 4,000 x 64 KiB is far beyond the loopback's kernel buffers plus the limit.
  while (app.channels.size('room:firehose') === 3 && published < 4000) {
    app.channels.publish('room:firehose', chunk)
    published++
    await tick() // let the readers read
  }
  assert.equal(app.channels.size('room:firehose'), 2, `the slow client was dropped (after ${published} messages)`)
  for (const fast of [fast1!, fast2!]) {
    const got = await fast.until(1 + published)
    assert.ok(got.slice(1).every((m) => m.length === chunk.length))
    assert.equal(fast.ws.readyState, fast.ws.OPEN)
  }
  // The fast ones go on receiving after the drop.
  app.channels.publish('room:firehose', 'after')
  assert.equal((await fast1!.until(2 + published)).at(-1), 'after')
  slow!.ws.resume()
  assert.equal((await within(slow!.closed, 'the slow client to see the drop')).code, 1006)
  assert.ok(slow!.received.length < 1 + published, 'the slow client did not get everything')
  fast1!.ws.terminate()
  fast2!.ws.terminate()
})
