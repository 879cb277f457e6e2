// Channels over a real redis-server: across apps (machines), across the workers of a cluster
// without double delivery, binary frames, and an outage in the middle of a test.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { closeRedisClient, createRedisClient, createRedisTransport, isTaoError, type RedisTransport, type TaoApp } from '@tao/core'
import { fixtureApp, fixture } from '../kernel/helpers.js'
import { needsRedis, startRedis } from '../support/redis-server.js'
import { connect, eventually, within, type Client } from './helpers.js'

const primary = fileURLToPath(new URL('./cluster-primary.ts', import.meta.url))

/** A ws-chat app on Redis, listening, with one client in room `room` (its hello taken). */
async function member (url: string, room: string, settings: Record<string, unknown> = {}): Promise<{ app: TaoApp, client: Client, base: string }> {
  const app = await fixtureApp('ws-chat', { settings: { redis: { url }, ...settings } })
  const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  const client = await connect(`${base}/chat/room/${room}`)
  await client.next()
  return { app, client, base }
}

/** What arrives within `ms` (without taking it): to prove there is no duplicate. */
async function nothingWithin (client: Client, ms: number): Promise<string | null> {
  const count = client.received.length
  await new Promise((resolve) => setTimeout(resolve, ms))
  return client.received[count] ?? null
}

test('a Redis URL carries channels between apps: each member gets each message once, text and binary', { skip: needsRedis }, async (t) => {
  const redis = await startRedis()
  t.after(() => redis.stop())
  const one = await member(redis.url, 'r')
  const two = await member(redis.url, 'r')
  t.after(() => Promise.all([one.app.close(), two.app.close()]))
  const binary = [one, two].map((m) => {
    const frames: Buffer[] = []
    m.client.ws.on('message', (data: Buffer, isBinary: boolean) => { if (isBinary) frames.push(data) })
    return frames
  })
  for (const m of [one, two]) {
    await eventually(() => (m.app.channels.transport as RedisTransport).stats !== undefined, 'a Redis transport')
  }
  // The subscriptions are made when the connections are ready; publish until both hear.
  await eventually(() => { one.app.channels.publish('probe', 'x'); return (two.app.channels.transport as RedisTransport).stats.received > 0 }, 'the subscription', 10_000)

  one.app.channels.publish('room:r', 'from one')
  two.app.channels.publish('room:r', Buffer.from([0, 255, 1, 254]))
  for (const [i, m] of [one, two].entries()) {
    // Messages of two publishers may interleave either way; each arrives once.
    assert.ok([await m.client.next(), await m.client.next()].includes('from one'))
    assert.deepEqual(binary[i]!.map((b) => [...b]), [[0, 255, 1, 254]], 'binary frames survive, as binary frames')
    assert.equal(await nothingWithin(m.client, 300), null, 'no duplicate')
  }
  const stats = (one.app.channels.transport as RedisTransport).stats
  assert.equal(stats.failed, 0)
  for (const m of [one, two]) m.client.ws.terminate()
})

test("websocket.transport: 'redis' without a URL stops the start saying how to set one", async () => {
  await assert.rejects(fixtureApp('ws-chat', { settings: { websocket: { transport: 'redis' } } }), (err: unknown) =>
    isTaoError(err, 'TAO_ERR_REDIS_NOT_CONFIGURED') && /websocket\.transport: 'redis' needs Redis.*TAO_REDIS_URL/.test(err.message))
})

test('a Redis outage mid-test: publishes are counted, not thrown; delivery comes back without a restart', { skip: needsRedis }, async (t) => {
  const redis = await startRedis()
  t.after(() => redis.stop())
  const one = await member(redis.url, 'o')
  const two = await member(redis.url, 'o')
  t.after(() => Promise.all([one.app.close(), two.app.close()]))
  const stats = (one.app.channels.transport as RedisTransport).stats
  const heard = (two.app.channels.transport as RedisTransport).stats
  await eventually(() => { one.app.channels.publish('probe', 'x'); return heard.received > 0 }, 'the subscription', 10_000)

  await redis.kill()
  // A publish during the outage: the local member gets it, the other app does not, nothing throws.
  one.app.channels.publish('room:o', 'during')
  assert.equal(await within(one.client.next(), 'local delivery during the outage', 3_000), 'during')
  await eventually(() => stats.failed >= 1, 'the lost publish to be counted', 5_000)
  assert.equal(await nothingWithin(two.client, 300), null)

  const before = heard.received
  await redis.restart()
  // Both connections come back and the subscription is made again: a publish reaches the other app.
  await eventually(() => { one.app.channels.publish('probe', 'x'); return heard.received > before }, 'delivery after the restart', 20_000)
  one.app.channels.publish('room:o', 'after')
  assert.equal(await within(one.client.next(), 'local delivery after', 3_000), 'after')
  assert.equal(await within(two.client.next(), 'remote delivery after', 3_000), 'after')
  for (const m of [one, two]) m.client.ws.terminate()
})

test('after a reconnection the subscriber subscribes once, with its failure handled', { skip: needsRedis }, async (t) => {
  // ioredis's own resubscription sent a second SUBSCRIBE whose promise nobody handled: a
  // client closed before Redis answered it failed the process with an unhandled rejection.
  const redis = await startRedis()
  t.after(() => redis.stop())
  const log = { warn () {}, info () {}, debug () {}, error () {} } as never
  const publisher = createRedisClient(redis.url, { name: 'pub', log })
  const subscriber = createRedisClient(redis.url, { name: 'sub', log })
  t.after(() => Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]))
  const transport = createRedisTransport({ publisher, subscriber, channel: 'tao:test:channels' })
  t.after(() => transport.close())
  await Promise.all([publisher.connect(), subscriber.connect()])
  const subscribed = async (what: string): Promise<void> => {
    for (const deadline = Date.now() + 20_000; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
      if (subscriber.status === 'ready' && (await publisher.pubsub('NUMSUB', 'tao:test:channels').catch(() => [0, 0]))[1] === 1) return
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    }
  }
  await subscribed('the subscription')
  let subscribes = 0
  const own = subscriber.subscribe.bind(subscriber)
  subscriber.subscribe = ((...args: Parameters<typeof own>) => { subscribes++; return own(...args) }) as typeof own
  await redis.kill()
  await redis.restart()
  await subscribed('the subscription again')
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(subscribes, 1)
})

test('workers on Redis: the cluster relay and Redis do not both deliver', { skip: needsRedis, timeout: 90_000 }, async (t) => {
  const redis = await startRedis()
  t.after(() => redis.stop())
  const child = spawn(process.execPath, ['--import', 'tsx', primary, fixture('ws-chat'), '2', redis.url], { stdio: ['pipe', 'pipe', 'inherit'] })
  t.after(() => { child.kill('SIGTERM') })
  const ready: Array<{ pid: number, address: string }> = []
  const lines = createInterface({ input: child.stdout })
  await within(new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => { ready.push(JSON.parse(line)); if (ready.length === 2) resolve() })
    child.once('exit', (code) => reject(new Error(`the primary exited (${code}) before its workers were ready`)))
  }), 'two workers', 60_000)
  const base = ready[0]!.address.replace(/^http/, 'ws')
  const byPid = new Map<number, Client>()
  const extra: Client[] = []
  for (let i = 0; i < 20 && byPid.size < 2; i++) {
    const client = await connect(`${base}/chat/room/w`)
    const { pid } = JSON.parse(await client.next())
    if (byPid.has(pid)) extra.push(client)
    else byPid.set(pid, client)
  }
  assert.equal(byPid.size, 2, 'one client on each worker')
  // A third "machine": an app of its own on the same Redis.
  const other = await member(redis.url, 'w')
  t.after(() => other.app.close())
  const clients = [...byPid.values(), ...extra, other.client]
  const [a] = [...byPid.entries()]
  // Until both workers are subscribed, a message may miss one: send probes until all hear one.
  await eventually(() => { other.app.channels.publish('probe', 'x'); return (other.app.channels.transport as RedisTransport).stats.published > 3 }, 'publishing', 10_000)
  await new Promise((resolve) => setTimeout(resolve, 500))
  a![1].ws.send('once')
  for (const client of clients) {
    assert.deepEqual(JSON.parse(await within(client.next(), 'the message')), { from: a![0], text: 'once' })
  }
  other.app.channels.publish('room:w', 'marker')
  for (const client of clients) assert.equal(await within(client.next(), 'the marker'), 'marker', 'the next message is the marker, not a duplicate')
  for (const client of clients) client.ws.terminate()
  child.stdin.end()
  await within(new Promise((resolve) => child.once('exit', resolve)), 'the primary to exit', 15_000)
})
