// Brute-force limits: failed logins counted per username and per client address in the
// database (so every worker sees the same counts), 429 with Retry-After, the form says so.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { createUser, loadSettings, startSharedDatabase, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

const auth = { throttle: { limit: 3, window: '10m' }, scrypt: { cost: 1024 } } as const

async function attempt (app: TaoApp, username: string, password: string, ip = '10.0.0.1') {
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  return await client.request({
    method: 'POST',
    url: '/accounts/login/',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password, _csrf: client.csrfToken! }).toString(),
  })
}

test('per username: after the limit, 429 with Retry-After even with the right password, from any address', async () => {
  const app = await createTestApp({ root: fixture('auth-site'), settings: { auth } })
  after(() => app.close())
  await createUser(app, { username: 'hal', password: 'hal pass 11' })
  for (let i = 0; i < 3; i++) assert.equal((await attempt(app, 'hal', 'wrong', `10.0.1.${i}`)).statusCode, 400)
  const blocked = await attempt(app, 'HAL', 'hal pass 11', '10.0.2.1')
  assert.equal(blocked.statusCode, 429)
  const retry = Number(blocked.headers['retry-after'])
  assert.ok(retry > 500 && retry <= 600, `Retry-After ${retry}`)
  assert.match(blocked.body, /Too many failed logins. Try again in 10 minutes./)
  const json = await app.inject({ method: 'POST', url: '/accounts/login/', remoteAddress: '10.0.2.2', headers: { 'content-type': 'application/json', accept: 'application/json' }, payload: { username: 'hal', password: 'x' } })
  // JSON without a CSRF token is refused first (403); the limit is checked after CSRF.
  assert.equal(json.statusCode, 403)
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  const api = await client.json('/accounts/login/', { username: 'hal', password: 'hal pass 11' }, { headers: { 'x-forwarded-for': '1.2.3.4' } })
  assert.equal(api.statusCode, 429)
  assert.equal(api.json().code, 'TAO_ERR_AUTH_THROTTLED')
  assert.ok(Number(api.headers['retry-after']) > 500)
  assert.equal((await attempt(app, 'other', 'wrong', '10.0.2.3')).statusCode, 400, 'another username is not blocked')
})

test('per address: many usernames from one address are blocked; a success clears the username count', async () => {
  const app = await createTestApp({ root: fixture('auth-site'), settings: { auth } })
  after(() => app.close())
  await createUser(app, { username: 'ivy', password: 'ivy pass 22' })
  assert.equal((await attempt(app, 'ivy', 'wrong', '10.9.0.1')).statusCode, 400)
  assert.equal((await attempt(app, 'ivy', 'wrong', '10.9.0.2')).statusCode, 400)
  assert.equal((await attempt(app, 'ivy', 'ivy pass 22', '10.9.0.3')).statusCode, 302)
  assert.equal((await attempt(app, 'ivy', 'wrong', '10.9.0.4')).statusCode, 400, 'the username count started again')
  for (const name of ['a1', 'a2', 'a3']) assert.equal((await attempt(app, name, 'wrong', '10.8.0.1')).statusCode, 400)
  assert.equal((await attempt(app, 'ivy', 'ivy pass 22', '10.8.0.1')).statusCode, 429)
  assert.equal((await attempt(app, 'ivy', 'ivy pass 22', '10.8.0.2')).statusCode, 302)
})

test('shared across workers: two apps on one database see the same counts', async () => {
  const settings = await loadSettings({ root: fixture('auth-site'), overrides: { database: { url: 'memory' } }, env: {} })
  const shared = (await startSharedDatabase(settings))!
  after(() => shared.close())
  const opts = { root: fixture('auth-site'), settings: { auth, database: { url: shared.url } } }
  const one = await createTestApp(opts)
  const two = await createTestApp(opts)
  after(() => Promise.all([one.close(), two.close()]))
  await createUser(one, { username: 'jo', password: 'jo pass 33' })
  await attempt(one, 'jo', 'wrong', '10.7.0.1')
  await attempt(two, 'jo', 'wrong', '10.7.0.2')
  await attempt(one, 'jo', 'wrong', '10.7.0.3')
  assert.equal((await attempt(two, 'jo', 'jo pass 33', '10.7.0.4')).statusCode, 429)
  const counters = await two.db.collection('auth_throttle').find({}).toArray()
  assert.ok(counters.every((c) => c.expiresAt instanceof Date))
  const indexes = await two.db.collection('auth_throttle').indexes()
  assert.ok(indexes.some((i) => i.expireAfterSeconds === 0), 'a TTL index removes old counters')
})
