// Liveness and readiness endpoints.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import { processApp } from './helpers.js'

test('readiness: 503 while starting, 200 with database and services once started', async (t) => {
  const app = await processApp({ settings: { services: { enabled: true } } })
  t.after(() => app.close())
  const before = await app.inject('/-/ready')
  assert.equal(before.statusCode, 503)
  assert.deepEqual(before.json(), { status: 'starting', database: 'connecting', services: { 'jobs:alpha': 'idle', 'jobs:beta': 'idle', 'jobs:gamma': 'idle' } })
  assert.equal(before.headers['cache-control'], 'no-store')
  await app.start()
  const after = await app.inject('/-/ready')
  assert.equal(after.statusCode, 200)
  assert.deepEqual(after.json(), { status: 'ready', database: 'ok', services: { 'jobs:alpha': 'running', 'jobs:beta': 'running', 'jobs:gamma': 'running' } })
  const live = await app.inject('/-/live')
  assert.equal(live.statusCode, 200)
  assert.deepEqual(live.json(), { status: 'live' })
})

test('readiness pings the database: ok while it answers, 503 once it is gone', async (t) => {
  const mongo = await startEmbeddedMongo()
  const app = await processApp({ settings: { database: { url: mongo.uri, serverSelectionTimeoutMS: 500 } } })
  t.after(() => app.close())
  await app.start()
  const ok = await app.inject('/-/ready')
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.json().database, 'ok')
  await mongo.close()
  const down = await app.inject('/-/ready')
  assert.equal(down.statusCode, 503)
  assert.equal(down.json().status, 'not ready')
  assert.match(down.json().database, /^unreachable: /)
})

test('health paths are configurable, can be turned off, and are not pages', async (t) => {
  const app = await processApp({ settings: { server: { health: { live: '/healthz', ready: false } } } })
  t.after(() => app.close())
  await app.start()
  assert.equal((await app.inject('/healthz')).statusCode, 200)
  assert.equal((await app.inject('/-/live')).statusCode, 404)
  assert.equal((await app.inject('/-/ready')).statusCode, 404)
  const head = await app.inject({ method: 'HEAD', url: '/healthz' })
  assert.equal(head.statusCode, 200)
})

test('a bad health path is a settings error', async () => {
  await assert.rejects(processApp({ settings: { server: { health: { ready: 'ready' } } } }), /server\.health\.ready: expected a path such as '\/-\/ready', or false to turn it off, got 'ready'/)
})

test('balancers probing by address get the health endpoints; every other page still checks Host', async (t) => {
  const app = await processApp({ settings: { debug: false, secretKey: 'a'.repeat(64), allowedHosts: ['example.com'] } })
  t.after(() => app.close())
  const byAddress = { host: '10.0.0.5:8080' }
  assert.equal((await app.inject({ url: '/-/live', headers: byAddress })).statusCode, 200)
  assert.equal((await app.inject({ url: '/-/live?probe=1', headers: byAddress })).statusCode, 200)
  assert.equal((await app.inject({ url: '/-/ready', headers: byAddress })).statusCode, 503, 'not started: answered, not refused')
  for (const url of ['/', '/-/live/../', '/-/livex', '/static/x']) {
    const res = await app.inject({ url, headers: { ...byAddress, accept: 'application/json' } })
    assert.equal(res.statusCode, 400, url)
    assert.equal(res.json().code, 'TAO_ERR_HOST_NOT_ALLOWED', url)
  }
  assert.equal((await app.inject({ method: 'POST', url: '/-/live', headers: byAddress })).statusCode, 400)
  assert.equal((await app.inject({ url: '/', headers: { host: 'example.com' } })).statusCode, 200)
})
