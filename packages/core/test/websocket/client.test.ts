// The websocket client that services hold to other machines (issue 18, point 7): real ws
// servers on 127.0.0.1, in this process or in a child process that is killed, frozen
// (SIGSTOP) and restarted.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { connectWebsocket, isTaoError, type WebsocketClient } from '@tao/core'
import { reconnectDelay } from '../../src/websocket/client/options.js'
import { recordingLogger } from '../support/unit.js'
import { freePort, kill, spawnPeer, startPeer } from './client-helpers.js'
import { eventually, within } from './helpers.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('a bad URL or option is a TAO_ERR_WS_CLIENT_INVALID naming every problem', () => {
  assert.throws(() => connectWebsocket('http://127.0.0.1:1/x'), (err: unknown) =>
    isTaoError(err, 'TAO_ERR_WS_CLIENT_INVALID') && /must start with ws:\/\/ or wss:\/\/, not http:\/\//.test(err.message))
  assert.throws(() => connectWebsocket('not a url'), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_INVALID') && /'not a url' is not a URL/.test(err.message))
  assert.throws(() => connectWebsocket('ws://127.0.0.1:1/', {
    reconnect: { delay: 'soon' as never, jitter: 2 },
    queue: { max: -1, overflow: 'lose' as never },
    onMessage: 'x' as never,
  }), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_INVALID') &&
    /onMessage is string, not a function/.test(err.message) && /reconnect\.jitter must be a number from 0 to 1/.test(err.message) &&
    /reconnect\.delay: expected a duration/.test(err.message) && /queue\.max: expected a whole number/.test(err.message) &&
    /queue\.overflow: expected one of 'drop-oldest', 'drop-newest', 'error'/.test(err.message))
})

test('reconnect delays double per failure up to the cap, each reduced by at most the jitter', () => {
  const policy = { delay: 250, maxDelay: 4000, jitter: 0.5 }
  assert.deepEqual([0, 1, 2, 3, 4, 5, 40].map((n) => reconnectDelay(n, policy, () => 0)), [250, 500, 1000, 2000, 4000, 4000, 4000])
  assert.deepEqual([0, 1, 4].map((n) => reconnectDelay(n, policy, () => 1)), [125, 250, 2000])
  for (let i = 0; i < 200; i++) {
    const d = reconnectDelay(3, policy)
    assert.ok(d >= 1000 && d <= 2000, `within [1000, 2000]: ${d}`)
  }
})

test('binary frames arrive as Buffers, text as strings; a throwing handler is logged and the connection goes on; reconnect: false closes with the connection', async (t) => {
  const peer = await startPeer()
  t.after(() => peer.stop())
  const log = recordingLogger()
  const got: Array<string | Buffer> = []
  const closes: boolean[] = []
  const client = connectWebsocket(`ws://127.0.0.1:${peer.port}/`, {
    log,
    reconnect: false,
    onMessage: (data) => {
      got.push(data)
      if (data === 'boom') throw new Error('handler bug')
    },
    onClose: (info) => { closes.push(info.willReconnect) },
  })
  await within(client.opened(), 'the connection')
  client.send(Uint8Array.from([0, 1, 255]))
  client.send({ json: true })
  await eventually(() => peer.messages.length === 2, 'two messages at the peer')
  assert.equal(peer.messages[1], '{"json":true}')
  const server = peer.sockets[0]!
  server.send('boom')
  server.send(Buffer.from([7, 8]), { binary: true })
  await eventually(() => got.length === 2, 'two messages at the client')
  assert.equal(got[0], 'boom')
  assert.ok(Buffer.isBuffer(got[1]) && got[1].equals(Buffer.from([7, 8])))
  assert.ok(log.lines.some((l) => /^error: .*its onMessage handler failed: handler bug/.test(l)), log.lines.join('\n'))
  server.close(1000)
  await eventually(() => client.state === 'closed', 'the client to close with its connection')
  assert.deepEqual(closes, [false])
  assert.ok(log.lines.some((l) => /reconnect is off, so the client is closed/.test(l)), log.lines.join('\n'))
})

test('a client whose signal is already aborted never connects; send and opened() then fail with TAO_ERR_WS_CLIENT_CLOSED', async () => {
  const client = connectWebsocket('ws://127.0.0.1:1/', { signal: AbortSignal.abort() })
  assert.equal(client.state, 'closed')
  assert.throws(() => client.send('x'), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_CLOSED') && /ws:\/\/127\.0\.0\.1:1\/ is closed/.test(err.message))
  assert.throws(() => client.close(1006), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_INVALID') && /the code must be 1000, 1001 or from 3000 to 4999/.test(err.message))
  await assert.rejects(client.opened(), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_CLOSED'))
})

test('sends while disconnected wait in a bounded queue: drop-oldest keeps the newest, in order, behind the onOpen subscription', async (t) => {
  const port = await freePort()
  const log = recordingLogger()
  const client = connectWebsocket(`ws://127.0.0.1:${port}/`, {
    log,
    queue: { max: 5 },
    reconnect: { delay: 20, maxDelay: 100 },
    onOpen: (c) => { c.send('subscribe') },
  })
  t.after(() => client.close())
  for (let i = 0; i < 20; i++) assert.equal(client.send(`m${i}`), true)
  assert.deepEqual([client.stats.queued, client.stats.dropped], [5, 15])
  assert.equal(log.lines.filter((l) => /send queue is full \(5 messages\); dropping messages \(drop-oldest\)/.test(l)).length, 1, 'one warning per burst of drops')
  await eventually(() => client.stats.failures >= 2, 'failed attempts while nothing listens')
  const peer = await startPeer(port)
  t.after(() => peer.stop())
  await within(client.opened(), 'the client to connect once the peer listens')
  await eventually(() => peer.messages.length === 6, 'the subscription and the 5 queued messages')
  assert.deepEqual(peer.messages, ['subscribe', 'm15', 'm16', 'm17', 'm18', 'm19'])
  assert.deepEqual([client.stats.queued, client.stats.dropped, client.stats.sent, client.stats.failures], [0, 15, 6, 0])
  assert.ok(log.lines.some((l) => /connected to ws:\/\/127\.0\.0\.1:\d+\/ after \d+ failed attempts/.test(l)), log.lines.join('\n'))
})

test("overflow 'drop-newest' refuses the new message (send returns false); 'error' throws TAO_ERR_WS_CLIENT_QUEUE_FULL", async () => {
  const port = await freePort()
  const newest = connectWebsocket(`ws://127.0.0.1:${port}/`, { queue: { max: 2, overflow: 'drop-newest' } })
  const strict = connectWebsocket(`ws://127.0.0.1:${port}/`, { queue: { max: 2, overflow: 'error' } })
  try {
    assert.deepEqual(['a', 'b', 'c'].map((m) => newest.send(m)), [true, true, false])
    assert.deepEqual([newest.stats.queued, newest.stats.dropped], [2, 1])
    strict.send('a')
    strict.send('b')
    assert.throws(() => strict.send('c'), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_CLIENT_QUEUE_FULL') && err.statusCode === 503 &&
      /queue of the websocket client to ws:\/\/127\.0\.0\.1:\d+\/ is full \(2 messages/.test(err.message))
  } finally {
    await Promise.all([newest.close(), strict.close()])
  }
  assert.equal(newest.stats.dropped, 3, 'what was still queued at close is counted as dropped')
})

test('a peer that stops reading: sends past maxBufferedAmount queue (bounded), the rest is dropped and counted, the kept ones arrive in order', async (t) => {
  const peer = await startPeer()
  t.after(() => peer.stop())
  const client = connectWebsocket(`ws://127.0.0.1:${peer.port}/`, { maxBufferedAmount: '64kb', queue: { max: 8 }, heartbeat: false })
  t.after(() => client.close())
  await within(client.opened(), 'the connection')
  await eventually(() => peer.sockets.length === 1, 'the server side of the socket')
  // The peer stops reading: the kernel buffers fill, then ws's own buffer grows.
  const raw = (peer.sockets[0] as unknown as { _socket: { pause: () => void, resume: () => void } })._socket
  raw.pause()
  const payload = 'x'.repeat(64 * 1024)
  const total = 600
  let maxQueued = 0
  for (let i = 0; i < total; i++) {
    client.send(`${i}:${payload}`)
    maxQueued = Math.max(maxQueued, client.stats.queued)
    if (i % 50 === 0) await sleep(5)
  }
  const { sent, queued, dropped } = client.stats
  assert.ok(maxQueued <= 8, `the queue never held more than 8 (held ${maxQueued})`)
  assert.ok(dropped > 0, `messages were dropped (sent ${sent}, queued ${queued})`)
  assert.equal(sent + queued + dropped, total, 'every message is written, queued or counted as dropped')
  raw.resume()
  await eventually(() => peer.messages.length === sent + queued, `${sent + queued} messages at the peer`, 20_000)
  const ids = peer.messages.map((m) => Number(m.slice(0, m.indexOf(':'))))
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order')
  assert.equal(ids.at(-1), total - 1, 'drop-oldest kept the newest')
  assert.equal(client.stats.sent, sent + queued)
})

test('a killed server is retried with backoff; the restarted one gets the onOpen subscription again and its ticks flow', async (t) => {
  const port = await freePort()
  let child = await spawnPeer(port)
  t.after(() => kill(child))
  const ticks: Array<{ tick: number, pid: number }> = []
  const closes: Array<{ willReconnect: boolean, delay?: number }> = []
  const log = recordingLogger()
  const client: WebsocketClient = connectWebsocket(`ws://127.0.0.1:${port}/ticks`, {
    log,
    reconnect: { delay: 50, maxDelay: 400 },
    onOpen: (c) => { c.send({ subscribe: 'ticks' }) },
    onMessage: (data) => { ticks.push(JSON.parse(String(data)) as { tick: number, pid: number }) },
    onClose: (info) => { closes.push(info) },
  })
  t.after(() => client.close())
  const first = child.pid!
  await eventually(() => ticks.some((x) => x.pid === first), 'ticks from the first server')
  await eventually(() => client.stats.received > 3, 'a few ticks')
  await kill(child)
  await eventually(() => client.state === 'reconnecting', 'the client to notice')
  await eventually(() => client.stats.failures >= 3, 'three failed attempts while the server is down')
  assert.equal(closes.length, 1)
  assert.equal(closes[0]!.willReconnect, true)
  child = await spawnPeer(port)
  const second = child.pid!
  await eventually(() => ticks.some((x) => x.pid === second), 'ticks from the restarted server (it only sends to subscribers)', 10_000)
  assert.equal(client.state, 'open')
  assert.equal(client.stats.connects, 2)
  assert.ok(log.lines.some((l) => /^warn: .*the connection closed \(1006/.test(l)), log.lines.join('\n'))
  assert.ok(log.lines.some((l) => /^info: .*connected to .* after \d+ failed attempts/.test(l)), log.lines.join('\n'))
})

test('a peer that stops answering pings (SIGSTOP) is detected and replaced; the connection comes back when it answers again', async (t) => {
  const port = await freePort()
  const child = await spawnPeer(port)
  t.after(() => kill(child))
  const log = recordingLogger()
  let ticks = 0
  const client = connectWebsocket(`ws://127.0.0.1:${port}/`, {
    log,
    heartbeat: { interval: 100, timeout: 300 },
    reconnect: { delay: 50, maxDelay: 200 },
    connectTimeout: 300,
    onOpen: (c) => { c.send({ subscribe: 'ticks' }) },
    onMessage: () => { ticks++ },
  })
  t.after(() => client.close())
  await within(client.opened(), 'the connection')
  child.kill('SIGSTOP')
  await eventually(() => client.stats.heartbeatTimeouts === 1, 'the heartbeat to declare the peer dead', 5_000)
  await eventually(() => client.state !== 'open', 'the dead connection to be cut')
  assert.ok(log.lines.some((l) => /^warn: .*did not answer a ping within 300 ms; the connection is replaced/.test(l)), log.lines.join('\n'))
  await eventually(() => client.stats.failures >= 2, 'attempts that time out against the frozen peer', 5_000)
  child.kill('SIGCONT')
  const before = ticks
  await eventually(() => client.state === 'open' && ticks > before + 3, 'ticks again once the peer answers', 10_000)
  assert.equal(client.stats.connects, 2)
})

test('close(): no reconnection afterwards, and a process holding only a stopped client exits by itself', async (t) => {
  const peer = await startPeer()
  t.after(() => peer.stop())
  const client = connectWebsocket(`ws://127.0.0.1:${peer.port}/`, { reconnect: { delay: 10 }, heartbeat: { interval: 20 } })
  await within(client.opened(), 'the connection')
  await client.close(1001, 'bye')
  assert.equal(client.state, 'closed')
  await eventually(() => peer.closes.length === 1, 'the close at the peer')
  assert.deepEqual(peer.closes, [1001])
  await sleep(200)
  assert.equal(peer.sockets.length, 1, 'no new connection after close()')

  const script = fileURLToPath(new URL('./fixtures/client-exit.ts', import.meta.url))
  const closed = await freePort()
  for (const [mode, url] of [['open', `ws://127.0.0.1:${peer.port}/`], ['retry', `ws://127.0.0.1:${closed}/`]] as const) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += String(chunk) })
    const [code] = await within(once(child, 'exit'), `the ${mode} process to exit by itself (a socket or timer left behind keeps it alive)`, 15_000) as [number]
    assert.equal(code, 0)
    const stats = JSON.parse(out) as { state: string, connects: number, failures: number }
    assert.equal(stats.state, 'closed')
    if (mode === 'open') assert.equal(stats.connects, 1)
    else assert.ok(stats.failures >= 3)
  }
  await eventually(() => peer.messages.filter((m) => m === 'hello').length === 1, 'the hello of the open-mode process')
})
