// The auth app over HTTP: login through the form, req.user and templates, guards, logout
// making a copied cookie useless, log out everywhere, password change ending other logins.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createUser, setPassword, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp

before(async () => {
  app = await createTestApp({ root: fixture('auth-site') })
  await createUser(app, { username: 'Ann', email: 'ann@example.com', password: 'correct horse battery' })
})
after(() => app.close())

async function loggedIn (username = 'ann', password = 'correct horse battery'): Promise<TestClient> {
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  const res = await client.post('/accounts/login/', { username, password })
  assert.equal(res.statusCode, 302, res.body)
  return client
}

test('auth is mounted at /accounts/ and the login page has a form with a CSRF token', async () => {
  const res = await app.inject('/accounts/login/')
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<form method="post" action="\/accounts\/login\/">/)
  assert.match(res.body, /name="_csrf"/)
})

test('a login through the form: redirect, then the user in req.user and templates', async () => {
  const client = await loggedIn('ANN') // usernames are case-insensitive
  const home = await client.get('/')
  assert.match(home.body, /<p id="who">Hello Ann<\/p>/)
  const secret = await client.get('/secret')
  assert.deepEqual(secret.json(), { secret: true, user: 'Ann' })
  const byEmail = await loggedIn('ann@EXAMPLE.com')
  assert.match((await byEmail.get('/')).body, /Hello Ann/)
})

test('wrong password and unknown user: the same 400 and message', async () => {
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  const wrong = await client.post('/accounts/login/', { username: 'ann', password: 'nope nope nope' })
  const unknown = await client.post('/accounts/login/', { username: 'zed', password: 'nope nope nope' })
  assert.equal(wrong.statusCode, 400)
  assert.equal(unknown.statusCode, 400)
  assert.match(wrong.body, /Please enter a correct username and password/)
  assert.equal(wrong.body.replace(/value="[^"]*"/g, ''), unknown.body.replace(/value="[^"]*"/g, ''))
  assert.equal((await client.get('/')).body.includes('Hello stranger'), true)
})

test('next: followed when it is a path of this site, ignored otherwise', async () => {
  for (const [next, expected] of [['/secret?x=1', '/secret?x=1'], ['//evil.example/x', '/'], ['https://evil.example', '/'], ['/\\evil.example', '/'], ['/\t/evil.example', '/']]) {
    const client = new TestClient(app)
    await client.get('/accounts/login/')
    const res = await client.post('/accounts/login/', { username: 'ann', password: 'correct horse battery', next: next! })
    assert.equal(res.headers.location, expected, `next=${JSON.stringify(next)}`)
  }
})

test('guards: anonymous HTML is redirected with next, JSON gets 401, missing rights 403', async () => {
  const html = await app.inject({ url: '/secret?a=b', headers: { accept: 'text/html' } })
  assert.equal(html.statusCode, 302)
  assert.equal(html.headers.location, '/accounts/login/?next=%2Fsecret%3Fa%3Db')
  const json = await app.inject({ url: '/secret', headers: { accept: 'application/json' } })
  assert.equal(json.statusCode, 401)
  assert.equal(json.json().code, 'TAO_ERR_AUTH_LOGIN_REQUIRED')
  const client = await loggedIn()
  const staff = await client.get('/staff', { headers: { accept: 'application/json' } })
  assert.equal(staff.statusCode, 403)
  assert.equal(staff.json().code, 'TAO_ERR_AUTH_PERMISSION_DENIED')
  assert.match(staff.json().message, /needs a staff user/)
  assert.equal((await client.get('/edit')).statusCode, 403)
})

test('permissions: from the user, its groups, or superuser; perms in templates', async () => {
  const groupId = (await app.db.collection('auth_groups').insertOne({ name: 'editors', permissions: ['site.change_pages'] })).insertedId
  const bob = await createUser(app, { username: 'bob', password: 'pw', groups: [groupId] })
  const client = new TestClient(app)
  await client.login(bob)
  assert.equal((await client.get('/edit')).statusCode, 200)
  const home = (await client.get('/')).body
  assert.match(home, /id="can-edit"/)
  assert.match(home, /id="site-perms"/)
  const root = await createUser(app, { username: 'root', password: 'pw', isSuperuser: true, isStaff: true })
  const rc = new TestClient(app)
  await rc.login(root)
  assert.equal((await rc.get('/staff')).statusCode, 200)
  assert.equal((await rc.get('/edit')).statusCode, 200)
  const plain = await createUser(app, { username: 'plain', password: 'pw' })
  const pc = new TestClient(app)
  await pc.login(plain)
  assert.doesNotMatch((await pc.get('/')).body, /can-edit|site-perms/)
})

test('logout: POST with CSRF only; a cookie copied before logout is anonymous after it', async () => {
  const client = await loggedIn()
  const home = await client.get('/')
  const copied = new Map(client.cookies)
  assert.equal((await app.inject({ method: 'GET', url: '/accounts/logout/' })).statusCode, 404)
  const noCsrf = await app.inject({ method: 'POST', url: '/accounts/logout/', headers: { cookie: cookieHeader(copied), 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  assert.equal(noCsrf.statusCode, 403)
  assert.match(home.body, /Hello Ann/)
  const out = await client.post('/accounts/logout/')
  assert.equal(out.statusCode, 302)
  assert.match((await client.get('/')).body, /Hello stranger/)
  const replay = await app.inject({ url: '/secret', headers: { cookie: cookieHeader(copied), accept: 'application/json' } })
  assert.equal(replay.statusCode, 401)
})

test('log out everywhere ends the other logins of the user', async () => {
  const a = await loggedIn()
  const b = await loggedIn()
  await a.get('/')
  await a.post('/accounts/logout/everywhere/')
  assert.equal((await b.get('/secret', { headers: { accept: 'application/json' } })).statusCode, 401)
})

test('a password change ends the other logins; the login doing it stays', async () => {
  const carl = await createUser(app, { username: 'carl', password: 'old password 1' })
  const other = await loggedIn('carl', 'old password 1')
  const self = await loggedIn('carl', 'old password 1')
  await setPassword(app, carl, 'new password 2')
  assert.equal((await other.get('/secret', { headers: { accept: 'application/json' } })).statusCode, 401)
  assert.equal((await self.get('/secret', { headers: { accept: 'application/json' } })).statusCode, 401)
  const fresh = await loggedIn('carl', 'new password 2')
  assert.equal((await fresh.get('/secret')).statusCode, 200)
})

test('the login rotates the session: nothing of the anonymous session is kept', async () => {
  const client = new TestClient(app)
  await client.get('/accounts/login/')
  const before = client.cookies.get('tao_session')
  await client.post('/accounts/login/', { username: 'ann', password: 'correct horse battery' })
  assert.notEqual(client.cookies.get('tao_session'), before)
  const records = await app.db.collection('auth_sessions').countDocuments({})
  assert.ok(records > 0)
})

function cookieHeader (cookies: Map<string, string>): string {
  return [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ')
}

test('a hash made with older scrypt parameters is upgraded at the next successful login', async () => {
  const { hashPassword } = await import('@tao/core')
  const old = await hashPassword('legacy pass 99', { cost: 1024, blockSize: 4, parallelism: 1 })
  const user = await createUser(app, { username: 'legacy', password: 'x' })
  await app.db.collection('auth_users').updateOne({ _id: user._id }, { $set: { password: old } })
  const wrong = new TestClient(app)
  await wrong.get('/accounts/login/')
  await wrong.post('/accounts/login/', { username: 'legacy', password: 'nope' })
  assert.equal((await app.db.collection('auth_users').findOne({ _id: user._id }))?.password, old, 'no upgrade on a failed login')
  await loggedIn('legacy', 'legacy pass 99')
  const upgraded = String((await app.db.collection('auth_users').findOne({ _id: user._id }))?.password)
  assert.match(upgraded, /^scrypt\$1024\$8\$1\$/)
  await loggedIn('legacy', 'legacy pass 99')
})

test("the project overrides the auth app's templates (templates/auth/base.html)", async () => {
  const res = await app.inject('/accounts/login/')
  assert.match(res.body, /<title>Log in · auth-site<\/title>/)
  assert.match(res.body, /<body class="auth-site">/)
})
