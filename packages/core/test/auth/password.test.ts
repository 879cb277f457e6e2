// Password change (asks the old password) and password reset by mail (a signed, expiring,
// single-use link; the answer never tells whether the email exists).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createUser, type TaoApp } from '@tao/core'
import { createTestApp, outbox, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { eventually } from '../websocket/helpers.js'

let app: TaoApp

before(async () => {
  app = await createTestApp({ root: fixture('auth-site') })
})
after(() => app.close())

async function login (username: string, password: string): Promise<TestClient> {
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  const res = await client.post('/accounts/login/', { username, password })
  assert.equal(res.statusCode, 302, `login of ${username}: ${res.statusCode}`)
  return client
}

const isIn = async (client: TestClient) => (await client.get('/secret', { headers: { accept: 'application/json' } })).statusCode === 200

test('password change: the old password is required, the rules apply, other logins end', async () => {
  await createUser(app, { username: 'dora', email: 'dora@example.com', password: 'first pass 11' })
  const other = await login('dora', 'first pass 11')
  const client = await login('dora', 'first pass 11')
  assert.equal((await app.inject({ url: '/accounts/password/change/', headers: { accept: 'text/html' } })).statusCode, 302)
  await client.get('/accounts/password/change/')
  const wrongOld = await client.post('/accounts/password/change/', { old_password: 'nope', new_password1: 'second pass 22', new_password2: 'second pass 22' })
  assert.equal(wrongOld.statusCode, 400)
  assert.match(wrongOld.body, /old password was entered incorrectly/)
  const weak = await client.post('/accounts/password/change/', { old_password: 'first pass 11', new_password1: '12345678', new_password2: '12345678' })
  assert.equal(weak.statusCode, 400)
  assert.match(weak.body, /entirely numeric/)
  assert.match(weak.body, /too common/)
  const similar = await client.post('/accounts/password/change/', { old_password: 'first pass 11', new_password1: 'dora@example', new_password2: 'dora@example' })
  assert.match(similar.body, /too similar to the (username|email address)/)
  const mismatch = await client.post('/accounts/password/change/', { old_password: 'first pass 11', new_password1: 'second pass 22', new_password2: 'other' })
  assert.match(mismatch.body, /did not match/)
  const ok = await client.post('/accounts/password/change/', { old_password: 'first pass 11', new_password1: 'second pass 22', new_password2: 'second pass 22' })
  assert.equal(ok.statusCode, 302)
  assert.equal(ok.headers.location, '/accounts/password/change/done/')
  assert.equal(await isIn(client), true, 'the login that changed the password stays')
  assert.equal(await isIn(other), false, 'the other login ended')
  await login('dora', 'second pass 22')
})

async function askReset (email: string) {
  const client = new TestClient(app)
  await client.get('/accounts/password/reset/')
  return await client.post('/accounts/password/reset/', { email })
}

function linkOf (text: string): string {
  const m = /http:\/\/localhost(?::\d+)?(\/accounts\/reset\/[^/\s]+\/[^/\s]+\/)/.exec(text)
  assert.ok(m, `no reset link in ${text}`)
  return m[1]!
}

test('reset: the same answer for a known and an unknown email; a mail only for the known one', async () => {
  await createUser(app, { username: 'emil', email: 'emil@example.com', password: 'emil pass 33' })
  outbox.length = 0
  const known = await askReset('EMIL@example.com')
  const unknown = await askReset('nobody@example.com')
  assert.equal(known.statusCode, 302)
  assert.equal(unknown.statusCode, known.statusCode)
  assert.equal(unknown.headers.location, known.headers.location)
  await eventually(() => outbox.length === 1, 'the reset mail')
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(outbox.length, 1)
  assert.deepEqual(outbox[0]!.to, ['emil@example.com'])
  assert.match(outbox[0]!.subject, /Password reset on localhost/)
  assert.match(outbox[0]!.text!, /Hello emil,/)
})

test('reset: the link sets a new password once; reused, tampered or stale links are a 400', async () => {
  await createUser(app, { username: 'fay', email: 'fay@example.com', password: 'fay pass 44' })
  const before = await login('fay', 'fay pass 44')
  outbox.length = 0
  await askReset('fay@example.com')
  await eventually(() => outbox.length === 1, 'the reset mail')
  const link = linkOf(outbox[0]!.text!)
  const client = new TestClient(app)
  const page = await client.get(link)
  assert.equal(page.statusCode, 200)
  assert.equal(page.headers['referrer-policy'], 'no-referrer')
  assert.match(page.body, /Set a new password/)
  const weak = await client.post(link, { new_password1: 'password', new_password2: 'password' })
  assert.equal(weak.statusCode, 400)
  const done = await client.post(link, { new_password1: 'fay new pass 55', new_password2: 'fay new pass 55' })
  assert.equal(done.statusCode, 302)
  assert.equal(done.headers.location, '/accounts/reset/done/')
  assert.equal(await isIn(before), false, 'every login ends with a reset')
  await login('fay', 'fay new pass 55')
  const reused = await client.get(link)
  assert.equal(reused.statusCode, 400)
  assert.match(reused.body, /This link does not work/)
  const again = await client.post(link, { new_password1: 'fay other pass 66', new_password2: 'fay other pass 66' })
  assert.equal(again.statusCode, 400)
  const tampered = link.replace(/[A-Za-z0-9_-](\/)$/, (c) => (c.startsWith('A') ? 'B/' : 'A/'))
  assert.equal((await client.get(tampered)).statusCode, 400)
  assert.equal((await client.get('/accounts/reset/xx/yy/')).statusCode, 400)
  const api = await client.get(link, { headers: { accept: 'application/json' } })
  assert.equal(api.statusCode, 400)
  assert.equal(api.json().code, 'TAO_ERR_AUTH_TOKEN_INVALID')
  assert.equal((await client.get('/accounts/reset/AAAAAAAAAAAAAAAA/1-' + 'a'.repeat(43) + '/')).statusCode, 400)
})

test('reset: a link older than auth.resetTimeout has expired', async () => {
  const short = await createTestApp({ root: fixture('auth-site'), settings: { auth: { resetTimeout: '1s', scrypt: { cost: 1024 } } } })
  after(() => short.close())
  await createUser(short, { username: 'gus', email: 'gus@example.com', password: 'gus pass 77' })
  outbox.length = 0
  const client = new TestClient(short)
  await client.get('/accounts/password/reset/')
  await client.post('/accounts/password/reset/', { email: 'gus@example.com' })
  await eventually(() => outbox.length === 1, 'the reset mail')
  const link = linkOf(outbox[0]!.text!)
  await new Promise((resolve) => setTimeout(resolve, 2100))
  assert.equal((await client.get(link)).statusCode, 400)
})
