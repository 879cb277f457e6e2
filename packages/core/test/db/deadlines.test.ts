// Regression for #12: whatever the database does (black-holed, slow, pool exhausted), a request
// that waits on it gets a 503 with Retry-After within a bounded time, under the default
// deadlines, while routes without the database keep answering. The faults are played by a
// proxy on loopback between tao and the embedded store.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import { route, type TaoApp } from '@tao/core'
import { startFaultProxy, type FaultMode } from './fault-proxy.js'
import { json, notesApp, until } from './helpers.js'

// The request's database deadline (database.timeout, 4 s by default) is kept by tao itself: each
// operation carries an AbortSignal the driver honours while it selects a server, waits for a
// pooled connection and reads the reply (mongodb 7.x ignores timeoutMS). The answer comes at
// the deadline plus the event loop's delay; the slack is generous as the machine is shared.
const DEADLINE_MS = 4_000
const SLACK_MS = 750

async function setup (t: { after: (fn: () => Promise<void> | void) => void }, database: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  const store = await startEmbeddedMongo({})
  t.after(() => store.close())
  const proxy = await startFaultProxy(`${store.host}:${store.port}`)
  t.after(() => proxy.close())
  const app = await notesApp(undefined, { ...settings, database: { url: `mongodb://${proxy.host}/?directConnection=true`, ...database } })
  t.after(() => app.close())
  await app.ready()
  assert.equal((await app.inject({ url: '/count', headers: json })).statusCode, 200)
  return { app, proxy }
}

/** Time to the answer of GET `url` (default /count), checking /ping answers at once meanwhile. */
async function timed (app: TaoApp, url = '/count'): Promise<{ ms: number, status: number, retryAfter: unknown, body: Record<string, unknown> }> {
  const start = Date.now()
  const pending = app.inject({ url, headers: json })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const pingStart = Date.now()
  assert.equal((await app.inject('/ping')).statusCode, 200)
  assert.ok(Date.now() - pingStart < 1_000, 'a route without the database answers at once')
  const res = await pending
  return { ms: Date.now() - start, status: res.statusCode, retryAfter: res.headers['retry-after'], body: res.json() }
}

const faults: [string, FaultMode][] = [['black-holed', { mode: 'blackhole' }], ['slow (replies 30 s late)', { mode: 'delay', ms: 30_000 }]]
for (const [what, mode] of faults) {
  test(`database ${what}: 503 with Retry-After within the deadline (database.timeout, 4 s), twice; back to 200 when it recovers`, async (t) => {
    const { app, proxy } = await setup(t)
    proxy.set(mode)
    for (const attempt of [1, 2]) {
      const r = await timed(app)
      t.diagnostic(`${what}, request ${attempt}: ${r.status} after ${r.ms} ms`)
      assert.equal(r.status, 503)
      assert.equal(r.retryAfter, '5')
      assert.ok(r.ms < DEADLINE_MS + SLACK_MS, `answered after ${r.ms} ms`)
    }
    proxy.set({ mode: 'pass' })
    await until(async () => (await app.inject({ url: '/count', headers: json })).statusCode === 200, 30_000, 'recovery')
  })
}

test('pool exhausted by held queries: another database request gets a 503 within the deadline (waitQueueTimeoutMS, 3 s)', async (t) => {
  const { app, proxy } = await setup(t, { maxPoolSize: 2 })
  proxy.set({ mode: 'hold' })
  const holders = [app.inject({ url: '/count', headers: json }), app.inject({ url: '/count', headers: json })]
  await new Promise((resolve) => setTimeout(resolve, 300))
  const r = await timed(app)
  t.diagnostic(`pool exhausted: ${r.status} after ${r.ms} ms`)
  assert.equal(r.status, 503)
  assert.equal(r.retryAfter, '5')
  assert.ok(r.ms < DEADLINE_MS + SLACK_MS, `answered after ${r.ms} ms`)
  for (const res of await Promise.all(holders)) assert.equal(res.statusCode, 503)
  proxy.set({ mode: 'pass' })
})

test('a held query: 503 at the deadline, the driver\'s operation cancelled; a route\'s own dbTimeout and settings.database.timeout are kept', async (t) => {
  const { app, proxy } = await setup(t, { timeout: '2s' })
  proxy.set({ mode: 'hold' })
  const own = await timed(app, '/count/quick')
  t.diagnostic(`route dbTimeout 1 s: ${own.status} after ${own.ms} ms`)
  assert.equal(own.status, 503)
  assert.equal(own.retryAfter, '5')
  assert.ok(own.ms >= 1_000 - 20 && own.ms < 1_000 + SLACK_MS, `answered after ${own.ms} ms`)
  const chained = await timed(app, '/recent')
  t.diagnostic(`route dbTimeout 1 s, find().sort().limit().toArray(): ${chained.status} after ${chained.ms} ms`)
  assert.equal(chained.status, 503)
  assert.ok(chained.ms >= 1_000 - 20 && chained.ms < 1_000 + SLACK_MS, `answered after ${chained.ms} ms`)
  const configured = await timed(app)
  t.diagnostic(`database.timeout 2 s: ${configured.status} after ${configured.ms} ms`)
  assert.equal(configured.status, 503)
  assert.ok(configured.ms >= 2_000 - 20 && configured.ms < 2_000 + SLACK_MS, `answered after ${configured.ms} ms`)
  // The held replies arrive later: the cancelled operations closed their connections, so a
  // fresh request reads its own answer.
  proxy.set({ mode: 'pass' })
  await until(async () => (await app.inject({ url: '/count', headers: json })).statusCode === 200, 10_000, 'recovery')
})

test('in debug: the 503 says TAO_ERR_DB_TIMEOUT and names the route; reads carry maxTimeMS from the time left', async (t) => {
  const { app, proxy } = await setup(t, {}, { debug: true })
  const started: Array<{ name: string, maxTimeMS: unknown }> = []
  app.mongo.on('commandStarted', (e) => started.push({ name: e.commandName, maxTimeMS: e.command.maxTimeMS }))
  assert.equal((await app.inject({ url: '/count/quick', headers: json })).statusCode, 200)
  // A chained cursor through the bound Db reads as usual.
  assert.deepEqual((await app.inject({ url: '/recent', headers: json })).json(), { notes: [] })
  const read = started.find((e) => e.name === 'aggregate')
  assert.ok(read !== undefined, 'countDocuments ran an aggregate')
  assert.equal(typeof read.maxTimeMS, 'number')
  assert.ok((read.maxTimeMS as number) > 900 && (read.maxTimeMS as number) <= 1_000, `maxTimeMS ${String(read.maxTimeMS)}`)
  proxy.set({ mode: 'delay', ms: 30_000 })
  const r = await timed(app, '/count/quick')
  assert.equal(r.status, 503)
  assert.equal(r.body.code, 'TAO_ERR_DB_TIMEOUT')
  assert.match(String(r.body.message), /^GET \/count\/quick waited on the database at .* longer than 1000 ms, so its operation was cancelled/)
  proxy.set({ mode: 'pass' })
})

test('a bad route dbTimeout is refused when the route is declared', () => {
  assert.throws(() => route('GET', '/x', async () => 'x', { dbTimeout: 'soon' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TAO_ERR_ROUTE_INVALID')
    assert.match(err.message, /Invalid route GET \/x: the dbTimeout "soon" must be a duration/)
    return true
  })
})
