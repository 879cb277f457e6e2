// The cache and rate limits over a real redis-server (issue #18): two tao apps on one Redis share
// cached values, cached pages and rate-limit counts; the login throttle counts in Redis; a Redis
// outage costs misses and log lines, never a crash, and everything recovers without a restart.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createUser, isTaoError, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { needsRedis, startRedis, type RedisServer } from '../support/redis-server.js'

let server: RedisServer
let one: TaoApp
let two: TaoApp

before(async () => {
  if (needsRedis) return
  server = await startRedis()
  // A generous command deadline: the machine running the suite is shared and may be slow.
  const opts = { root: fixture('cache-site'), settings: { redis: { commandTimeout: 5000 } }, env: { TAO_REDIS_URL: server.url } }
  one = await createTestApp(opts)
  two = await createTestApp(opts)
  await Promise.all([one.ready(), two.ready()])
})
after(async () => {
  if (needsRedis) return
  await Promise.all([one.close(), two.close()])
  await server.stop()
})

test('with a Redis URL the cache is in Redis: a value set by one app is read by the other, under the documented keys', { skip: needsRedis }, async () => {
  assert.equal(one.cache('pages').backend, 'redis')
  await one.inject('/values?set=shared&n=5')
  assert.deepEqual((await two.inject('/values?get=shared')).json(), { value: { n: 5 } })
  assert.equal(await one.redis.get('tao:tao:cache:pages:shared'), '{"n":5}')
  const ttl = await one.redis.pttl('tao:tao:cache:pages:shared')
  assert.ok(ttl > 9000 && ttl <= 10_000, `Redis expires the entry itself (pttl ${ttl})`)
  await two.inject('/delete?key=shared')
  assert.deepEqual((await one.inject('/values?get=shared')).json(), { value: null })
})

test('a page cached by one app is served by the other, ETag and 304 included', { skip: needsRedis }, async () => {
  const computed = await one.inject('/cached?page=shared')
  const served = await two.inject('/cached?page=shared')
  assert.equal(served.body, computed.body)
  assert.equal(served.headers.etag, computed.headers.etag)
  const revalidated = await two.inject({ url: '/cached?page=shared', headers: { 'if-none-match': computed.headers.etag as string } })
  assert.equal(revalidated.statusCode, 304)
})

test('a rate limit counts across both apps', { skip: needsRedis }, async () => {
  const hit = (app: TaoApp) => app.inject({ url: '/limited', remoteAddress: '10.5.0.1', headers: { accept: 'application/json' } })
  assert.equal((await hit(one)).statusCode, 200)
  assert.equal((await hit(two)).statusCode, 200)
  assert.equal((await hit(one)).statusCode, 200)
  const refused = await hit(two)
  assert.equal(refused.statusCode, 429)
  assert.equal(refused.json().code, 'TAO_ERR_RATE_LIMITED')
  assert.ok(Number(refused.headers['retry-after']) >= 1)
  assert.equal(await one.redis.get('tao:tao:rl:route:pages:limited:10.5.0.1'), '4')
  // defineRateLimit() too.
  assert.equal((await one.inject('/checked?user=zed')).statusCode, 200)
  assert.equal((await two.inject('/checked?user=zed')).statusCode, 200)
  assert.equal((await one.inject('/checked?user=zed')).statusCode, 429)
})

test('a Redis outage: pages are computed, values miss, limits let requests through, delete says 503; all back without a restart', { skip: needsRedis }, async () => {
  await one.inject('/values?set=kept&n=1')
  await server.kill()
  // Reads miss, writes are dropped, and nothing throws into the handler.
  assert.deepEqual((await one.inject('/values?get=kept')).json(), { value: null })
  assert.equal((await one.inject('/values?set=lost&n=2')).statusCode, 200)
  const a = await one.inject('/cached?page=outage')
  const b = await one.inject('/cached?page=outage')
  assert.equal(a.statusCode, 200)
  assert.notEqual(a.body, b.body, 'no cache: each request computes the page')
  assert.equal((await one.inject('/wrap?key=outage')).statusCode, 200)
  // Nothing waits for the reconnecting client: a miss is immediate.
  const started = Date.now()
  for (let i = 0; i < 10; i++) await one.inject(`/cached?page=quick${i}`)
  assert.ok(Date.now() - started < 900, `10 pages in ${Date.now() - started} ms during the outage`)
  for (let i = 0; i < 5; i++) assert.equal((await one.inject({ url: '/limited', remoteAddress: '10.6.0.1' })).statusCode, 200)
  const del = await one.inject({ url: '/delete?key=kept', headers: { accept: 'application/json' } })
  assert.equal(del.statusCode, 503)
  await assert.rejects(one.cache('pages').delete('kept'), (e: unknown) => isTaoError(e, 'TAO_ERR_CACHE_UNAVAILABLE') && /retry once it is back/.test(e.message))
  // Redis comes back (empty: it keeps nothing on disk); the connection reconnects by itself.
  await server.restart()
  const deadline = Date.now() + 10_000
  for (;;) {
    await one.inject('/values?set=again&n=3')
    if ((await two.inject('/values?get=again')).json().value !== null) break
    assert.ok(Date.now() < deadline, 'the cache works again within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const c = await one.inject('/cached?page=after')
  assert.equal((await two.inject('/cached?page=after')).body, c.body)
})

test('the login throttle counts in Redis when Redis is configured', { skip: needsRedis }, async () => {
  const auth = { throttle: { limit: 2, window: '10m' }, scrypt: { cost: 1024 } } as const
  const opts = { root: fixture('auth-site'), settings: { auth, redis: { commandTimeout: 5000 } }, env: { TAO_REDIS_URL: server.url } }
  const a = await createTestApp(opts)
  const b = await createTestApp(opts)
  after(() => Promise.all([a.close(), b.close()]))
  await createUser(a, { username: 'kim', password: 'kim pass 44' })
  await createUser(b, { username: 'kim', password: 'kim pass 44' })
  const attempt = async (app: TaoApp, password: string, ip: string) => {
    const client = new TestClient(app)
    await client.get('/accounts/login/')
    return await client.request({
      method: 'POST',
      url: '/accounts/login/',
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: 'kim', password, _csrf: client.csrfToken! }).toString(),
    })
  }
  const first = await attempt(a, 'wrong', '10.4.0.1')
  assert.equal(first.statusCode, 400, first.body)
  assert.equal((await attempt(b, 'wrong', '10.4.0.2')).statusCode, 400)
  // Each app has its own (in-memory) database: only Redis can have told b about a's failure.
  assert.equal((await attempt(b, 'kim pass 44', '10.4.0.3')).statusCode, 429)
  const keys = await a.redis.keys('tao:tao:auth:throttle:*')
  assert.ok(keys.length >= 2, `counters in Redis: ${keys.join(', ')}`)
  assert.equal(await a.db.collection('auth_throttle').countDocuments(), 0, 'nothing counted in the database')
  // Fail closed: while Redis is down a login is refused (503), never let through uncounted.
  await server.kill()
  const during = await attempt(a, 'kim pass 44', '10.4.0.9')
  assert.equal(during.statusCode, 503)
  await server.restart()
})
