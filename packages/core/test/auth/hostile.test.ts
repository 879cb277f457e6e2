// Hostile login requests over a raw socket to a real server: operator objects instead of
// strings (NoSQL injection), huge passwords, CR/LF and foreign hosts in next. Each is a clear
// 4xx or a redirect to this site; never a 500, never a login.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { createUser, type TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
let port = 0

before(async () => {
  app = await createTestApp({ root: fixture('auth-site') })
  await createUser(app, { username: 'ann', password: 'correct horse battery' })
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
})
after(() => app.close())

function raw (request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('no answer within 10 s')) })
    socket.on('data', (c: Buffer) => { data += c.toString() })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}

/** A session cookie and its CSRF token, from the login page. */
async function session (): Promise<{ cookie: string, token: string }> {
  const page = await raw('GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  const cookie = /set-cookie: (tao_session=[^;]+)/i.exec(page)![1]!
  const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!
  return { cookie, token }
}

async function post (body: string, type: string, accept = 'text/html'): Promise<string> {
  const { cookie, token } = await session()
  return await raw(`POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${token}\r\nContent-Type: ${type}\r\nAccept: ${accept}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

const status = (res: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(res)?.[1])

test('operator objects and arrays instead of strings never log in', async () => {
  for (const body of [
    { username: 'ann', password: { $ne: null } },
    { username: { $gt: '' }, password: 'correct horse battery' },
    { username: ['ann'], password: ['correct horse battery'] },
  ]) {
    const res = await post(JSON.stringify(body), 'application/json', 'application/json')
    assert.equal(status(res), 400, `${JSON.stringify(body)}: ${res.split('\r\n')[0]}`)
    assert.match(res, /Please enter a correct username and password/)
  }
  // An operator object as next is ignored; the right password still logs in.
  const res = await post(JSON.stringify({ username: 'ann', password: 'correct horse battery', next: { $where: '1' } }), 'application/json', 'application/json')
  assert.equal(status(res), 200)
  assert.match(res, /"username":"ann"/)
})

test('a huge password is refused quickly with the usual 400', async () => {
  const body = new URLSearchParams({ username: 'ann', password: 'x'.repeat(500_000) }).toString()
  const res = await post(body, 'application/x-www-form-urlencoded')
  assert.equal(status(res), 400)
  assert.match(res, /Please enter a correct username and password/)
})

test('next with CR/LF, a foreign host or a backslash: the login goes to / instead', async () => {
  for (const next of ['/\r\nSet-Cookie: x=1', '//evil.example', '/\\evil.example', 'https://evil.example/']) {
    const body = new URLSearchParams({ username: 'ann', password: 'correct horse battery', next }).toString()
    const res = await post(body, 'application/x-www-form-urlencoded')
    assert.equal(status(res), 302, res.split('\r\n')[0])
    assert.match(res, /\r\nlocation: \/\r\n/i)
    assert.doesNotMatch(res, /set-cookie: x=1/i)
  }
})
