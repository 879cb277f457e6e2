// ctx.connect(): a service's websocket client lives and dies with the service instance.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { taoError } from '../../src/errors/index.js'
import { ServiceManager } from '../../src/services/lifecycle.js'
import { service } from '../../src/services/service.js'
import type { WebsocketClient } from '../../src/websocket/client/index.js'
import { Channels } from '../../src/websocket/channels.js'
import { createMemoryTransport } from '../../src/websocket/transport.js'
import { recordingLogger, records, testSettings } from '../support/unit.js'
import { startPeer } from '../websocket/client-helpers.js'
import { eventually } from '../websocket/helpers.js'

function manager (defs: Parameters<typeof records>[0]) {
  const log = recordingLogger()
  const channels = new Channels(createMemoryTransport())
  return {
    log,
    m: new ServiceManager(records(defs), {
      settings: testSettings({ services: { stopTimeout: 2000 } }),
      log,
      db: () => { throw taoError('TAO_ERR_DB_NOT_READY', ['ctx.db']) },
      channels: () => channels,
    }),
  }
}

test('a service holds its client from start to stop: the stop closes it with 1001, waits for the close, and nothing reconnects', async (t) => {
  const peer = await startPeer()
  t.after(() => peer.stop())
  let client: WebsocketClient | undefined
  let stopSawState = ''
  const { m, log } = manager([service('pin', {
    async start (ctx) {
      client = ctx.connect(`ws://127.0.0.1:${peer.port}/`, { reconnect: { delay: 10 }, onOpen: (c) => { c.send('subscribe') } })
      await client.opened()
    },
    stop () { stopSawState = client!.state },
  })])
  await m.start()
  await eventually(() => peer.messages.includes('subscribe'), 'the subscription')
  await m.stop()
  // The client began closing when the signal aborted, before stop() ran.
  assert.equal(stopSawState, 'closed')
  assert.deepEqual(peer.closes, [1001], 'the close handshake finished before stop() resolved')
  assert.throws(() => client!.send('late'), /is closed/)
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.equal(peer.sockets.length, 1, 'no reconnection after the service stopped')
  assert.ok(log.lines.some((l) => /^info: websocket client connected to ws:\/\/127\.0\.0\.1:\d+\//.test(l)), log.lines.join('\n'))
})

test('a service stopped while its peer is down leaves no retry behind', async (t) => {
  // A peer that accepts TCP and hangs up at once: every attempt fails, and each is counted here.
  let attempts = 0
  const server = createServer((socket) => { attempts++; socket.destroy() }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => server.close())
  const { port } = server.address() as { port: number }
  let client: WebsocketClient | undefined
  const { m } = manager([service('watch', {
    start (ctx) { client = ctx.connect(`ws://127.0.0.1:${port}/`, { reconnect: { delay: 10, maxDelay: 20 } }) },
  })])
  await m.start()
  await eventually(() => attempts >= 3, 'retries while the peer fails')
  await m.stop()
  const seen = attempts
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(client!.state, 'closed')
  assert.equal(attempts, seen, 'no attempt after the stop')
})
