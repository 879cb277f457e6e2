import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import type { TaoApp, UserSettings } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'
import { connect, refusal, within } from './helpers.js'

async function serve (t: TestContext, settings: UserSettings = {}): Promise<{ app: TaoApp, base: string }> {
  const app = await fixtureApp('ws-chat', { settings })
  t.after(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base: address.replace(/^http/, 'ws') }
}

test('a ws() route echoes text and binary messages; url() reverses it', async (t) => {
  const { app, base } = await serve(t)
  assert.equal(app.url('chat:echo'), '/chat/echo')
  assert.equal(app.url('chat:room', { name: 'a b' }), '/chat/room/a%20b')
  const client = await connect(base + app.url('chat:echo'))
  client.ws.send('hello')
  assert.equal(await client.next(), 'hello')
  const bytes = await within(new Promise<Buffer>((resolve) => {
    client.ws.once('message', (data, binary) => { assert.equal(binary, true); resolve(data as Buffer) })
    client.ws.send(Buffer.from([1, 2, 3]))
  }), 'the binary echo')
  assert.deepEqual([...bytes], [1, 2, 3])
  client.ws.close(1000)
  assert.equal((await client.closed).code, 1000)
})

test('the handler gets typed, decoded params from the upgrade request', async (t) => {
  const { app, base } = await serve(t)
  const client = await connect(base + app.url('chat:room', { name: 'café' }))
  const hello = JSON.parse(await client.next())
  assert.equal(hello.hello, 'café')
  assert.equal(hello.pid, process.pid)
  assert.equal(hello.size, 1)
  client.ws.terminate()
})

test('a plain HTTP request to a websocket route answers 426 with a coded error', async (t) => {
  const { app } = await serve(t)
  const res = await app.inject({ url: '/chat/echo', headers: { accept: 'application/json' } })
  assert.equal(res.statusCode, 426)
  assert.equal(res.headers.upgrade, 'websocket')
  assert.equal(res.json().code, 'TAO_ERR_WS_UPGRADE_REQUIRED')
  assert.match(res.json().message, /\/chat\/echo is a websocket endpoint\. Connect to it with a websocket client/)
})

test('an Origin whose host is not allowed is refused with 403 at upgrade; allowed or absent Origins connect', async (t) => {
  const { base } = await serve(t)
  const url = `${base}/chat/echo`
  for (const origin of ['https://evil.test', 'http://example.com.evil.test', 'null', 'file://localhost']) {
    const refused = await refusal(url, { origin })
    assert.equal(refused.status, 403, origin)
  }
  for (const origin of ['http://localhost:3000', 'https://example.com', 'https://chat.EXAMPLE.com:8443', undefined]) {
    const client = await connect(url, origin === undefined ? {} : { origin })
    client.ws.send(`from ${origin}`)
    assert.equal(await client.next(), `from ${origin}`)
    client.ws.terminate()
  }
})

test('the 403 names the Origin and the fix', async (t) => {
  const { app } = await serve(t)
  const res = await app.inject({ url: '/chat/echo', headers: { origin: 'https://evil.test', accept: 'application/json' } })
  assert.equal(res.statusCode, 403)
  assert.equal(res.json().code, 'TAO_ERR_WS_ORIGIN_FORBIDDEN')
  assert.match(res.json().message, /its Origin 'https:\/\/evil\.test' is not one of settings\.allowedHosts .* add the host to settings\.allowedHosts/)
})

// Production with an empty list refuses every request at the Host check already
// (test/security/hosts.test.ts); the Origin check shares that rule (security/hosts.ts).
test('with an empty allowedHosts, debug allows localhost Origins only', async (t) => {
  const { base: dev } = await serve(t, { debug: true, allowedHosts: [] })
  assert.equal((await refusal(`${dev}/chat/echo`, { origin: 'https://example.com' })).status, 403)
  ;(await connect(`${dev}/chat/echo`, { origin: 'http://127.0.0.1:5173' })).ws.terminate()
})

test('a message over settings.websocket.maxMessageSize closes the socket with 1009; one at the limit passes', async (t) => {
  const { base } = await serve(t)
  const client = await connect(`${base}/chat/echo`)
  const atLimit = 'x'.repeat(64 * 1024)
  client.ws.send(atLimit)
  assert.equal((await client.next()).length, atLimit.length)
  client.ws.send('x'.repeat(64 * 1024 + 1))
  assert.equal((await within(client.closed, 'the 1009 close')).code, 1009)
  // The server goes on serving.
  const other = await connect(`${base}/chat/echo`)
  other.ws.send('still here')
  assert.equal(await other.next(), 'still here')
  other.ws.terminate()
})

test('an error thrown or rejected in a message handler closes that socket with 1011; the server goes on', async (t) => {
  const { base } = await serve(t)
  for (const how of ['throw', 'reject']) {
    const failing = await connect(`${base}/chat/fail`)
    const bystander = await connect(`${base}/chat/fail`)
    failing.ws.send('ok')
    assert.equal(await failing.next(), 'ok')
    failing.ws.send(how)
    const closed = await within(failing.closed, `the 1011 close after '${how}'`)
    assert.deepEqual(closed, { code: 1011, reason: 'Internal Error' }, how)
    bystander.ws.send('unaffected')
    assert.equal(await bystander.next(), 'unaffected')
    bystander.ws.terminate()
  }
})

test('a connection handler that throws or rejects closes its socket with 1011; the server goes on', async (t) => {
  const { base } = await serve(t)
  for (const how of ['throw', 'reject']) {
    const client = await connect(`${base}/chat/broken/${how}`)
    assert.equal((await within(client.closed, `the 1011 close (${how})`)).code, 1011, how)
  }
  const echo = await connect(`${base}/chat/echo`)
  echo.ws.send('alive')
  assert.equal(await echo.next(), 'alive')
  echo.ws.terminate()
})

test('the websocket handler sees the session of the HTTP login and req.db', async (t) => {
  const { base } = await serve(t)
  const http = base.replace(/^ws/, 'http')
  const login = await fetch(`${http}/chat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ada' }) })
  assert.equal(login.status, 204)
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  assert.match(cookie, /^tao_session=/)
  const signedIn = await connect(`${base}/chat/whoami`, { headers: { cookie } })
  assert.deepEqual(JSON.parse(await within(signedIn.next(), 'the signed-in answer')), { user: 'ada', visits: 1 })
  const anonymous = await connect(`${base}/chat/whoami`)
  assert.deepEqual(JSON.parse(await within(anonymous.next(), 'the anonymous answer')), { user: null, visits: 2 })
  signedIn.ws.terminate()
  anonymous.ws.terminate()
})
