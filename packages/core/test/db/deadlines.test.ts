// Regression for #12: whatever the database does (black-holed, slow, pool exhausted), a request
// that waits on it gets a 503 with Retry-After within a bounded time, under the default
// deadlines, while routes without the database keep answering. The faults are played by a
// proxy on loopback between tao and the embedded store.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import type { TaoApp } from '@tao/core'
import { startFaultProxy, type FaultMode } from './fault-proxy.js'
import { json, notesApp, until } from './helpers.js'

// The defaults: socketTimeoutMS 3 s, waitQueueTimeoutMS 3 s, connectTimeoutMS 2 s,
// serverSelectionTimeoutMS 5 s. A timed-out read is retried once by the driver on a new
// connection, so a black-holed or slow database answers in about 6-7.5 s (measured), not in
// one socketTimeoutMS; the bound is generous as the machine running the tests is shared.
// A hard bound per route is the handler deadline (server.handlerTimeout, route timeout).
const BOUND_MS = 10_000

async function setup (t: { after: (fn: () => Promise<void> | void) => void }, database: Record<string, unknown> = {}) {
  const store = await startEmbeddedMongo({})
  t.after(() => store.close())
  const proxy = await startFaultProxy(`${store.host}:${store.port}`)
  t.after(() => proxy.close())
  const app = await notesApp(undefined, { database: { url: `mongodb://${proxy.host}/?directConnection=true`, ...database } })
  t.after(() => app.close())
  await app.ready()
  assert.equal((await app.inject({ url: '/count', headers: json })).statusCode, 200)
  return { app, proxy }
}

/** Time to the answer of GET /count, checking /ping answers at once meanwhile. */
async function timed (app: TaoApp): Promise<{ ms: number, status: number, retryAfter: unknown }> {
  const start = Date.now()
  const pending = app.inject({ url: '/count', headers: json })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const pingStart = Date.now()
  assert.equal((await app.inject('/ping')).statusCode, 200)
  assert.ok(Date.now() - pingStart < 1_000, 'a route without the database answers at once')
  const res = await pending
  return { ms: Date.now() - start, status: res.statusCode, retryAfter: res.headers['retry-after'] }
}

const faults: [string, FaultMode][] = [['black-holed', { mode: 'blackhole' }], ['slow (replies 30 s late)', { mode: 'delay', ms: 30_000 }]]
for (const [what, mode] of faults) {
  test(`database ${what}: 503 with Retry-After within a bounded time, twice; back to 200 when it recovers`, async (t) => {
    const { app, proxy } = await setup(t)
    proxy.set(mode)
    for (const attempt of [1, 2]) {
      const r = await timed(app)
      t.diagnostic(`${what}, request ${attempt}: ${r.status} after ${r.ms} ms`)
      assert.equal(r.status, 503)
      assert.equal(r.retryAfter, '5')
      assert.ok(r.ms < BOUND_MS, `answered after ${r.ms} ms`)
    }
    proxy.set({ mode: 'pass' })
    await until(async () => (await app.inject({ url: '/count', headers: json })).statusCode === 200, 30_000, 'recovery')
  })
}

test('pool exhausted by held queries: another database request gets a 503 at waitQueueTimeoutMS', async (t) => {
  const { app, proxy } = await setup(t, { maxPoolSize: 2 })
  proxy.set({ mode: 'hold' })
  const holders = [app.inject({ url: '/count', headers: json }), app.inject({ url: '/count', headers: json })]
  await new Promise((resolve) => setTimeout(resolve, 300))
  const r = await timed(app)
  t.diagnostic(`pool exhausted: ${r.status} after ${r.ms} ms`)
  assert.equal(r.status, 503)
  assert.equal(r.retryAfter, '5')
  assert.ok(r.ms < BOUND_MS, `answered after ${r.ms} ms`)
  for (const res of await Promise.all(holders)) assert.equal(res.statusCode, 503)
  proxy.set({ mode: 'pass' })
})
