// The built-in app auth exists only when settings.auth turns it on; its guards on websocket
// routes; its settings are validated.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { createUser, isTaoError } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { connect } from '../websocket/helpers.js'
import { fixture } from '../helpers/fixtures.js'

test('off by default: no auth app, no /accounts/ routes, guards answer a clear 500', async () => {
  const app = await createTestApp({ root: fixture('auth-site'), settings: { auth: false } })
  after(() => app.close())
  assert.equal(app.registry.has('auth'), false)
  assert.equal((await app.inject('/accounts/login/')).statusCode, 404)
  const res = await app.inject({ url: '/secret', headers: { accept: 'application/json' } })
  assert.equal(res.statusCode, 500)
  await assert.rejects(createUser(app, { username: 'x' }), (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_AUTH_NOT_ENABLED' && /auth: true/.test(err.message))
})

test('on with an object: the prefix setting moves its pages', async () => {
  const app = await createTestApp({ root: fixture('auth-site'), settings: { auth: { prefix: '/users', scrypt: { cost: 1024 } } } })
  after(() => app.close())
  assert.equal(app.url('auth:login'), '/users/login/')
  assert.equal((await app.inject('/users/login/')).statusCode, 200)
  const res = await app.inject({ url: '/secret', headers: { accept: 'text/html' } })
  assert.equal(res.headers.location, '/users/login/?next=%2Fsecret')
})

test('bad auth settings are reported with their key path', async () => {
  await assert.rejects(createTestApp({ root: fixture('auth-site'), settings: { auth: { scrypt: { cost: 1000 } } } }),
    (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_SETTINGS_INVALID' && /auth\.scrypt\.cost/.test(err.message))
})

test('a guarded websocket route: anonymous upgrade refused with 401, a logged-in user connects', async () => {
  const app = await createTestApp({ root: fixture('auth-site') })
  after(() => app.close())
  const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
  await assert.rejects(connect(`${base}/live`), (err: { status?: number }) => err.status === 401)
  const user = await createUser(app, { username: 'wsuser', password: 'pw' })
  const client = new TestClient(app)
  await client.login(user)
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ')
  const ws = await connect(`${base}/live`, { headers: { cookie } })
  assert.equal(await ws.next(), 'hello wsuser')
})

test('users, groups and login records are models of the auth app; duplicates are refused ignoring case', async () => {
  const app = await createTestApp({ root: fixture('auth-site') })
  after(() => app.close())
  assert.deepEqual(['auth:users', 'auth:groups', 'auth:sessions'].map((n) => app.models.get(n)?.collectionName), ['auth_users', 'auth_groups', 'auth_sessions'])
  await createUser(app, { username: 'Kim', email: 'Kim@Example.com', password: 'pw' })
  await assert.rejects(createUser(app, { username: 'kim', password: 'pw' }), (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_AUTH_USER_EXISTS' && /username 'kim'/.test(err.message))
  await assert.rejects(createUser(app, { username: 'kim2', email: 'kim@example.COM', password: 'pw' }), (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_AUTH_USER_EXISTS' && (err.details.fields as Record<string, string>).email !== undefined)
  await assert.rejects(createUser(app, { username: 'bad name!', password: 'pw' }), (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_AUTH_USER_INVALID' && err.statusCode === 400)
  const stored = await app.db.collection('auth_users').findOne({ username: 'Kim' })
  assert.match(String(stored?.password), /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
})
