// Host header attacks: every request (pages and not-found alike) is checked against
// settings.allowedHosts before anything else runs.
import assert from 'node:assert/strict'
import { after, afterEach, test } from 'node:test'
import type { UserSettings } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

const nodeEnv = process.env.NODE_ENV
afterEach(() => { process.env.NODE_ENV = nodeEnv })

async function start (settings: UserSettings = {}) {
  const app = await createTestApp({ root: fixture('safety'), settings })
  after(() => app.close())
  return app
}

test('allowed hosts pass; others get 400 on pages and on not-found URLs alike', async () => {
  const app = await start()
  for (const host of ['localhost', 'localhost:8080', 'example.com', 'www.example.com:443', 'A.EXAMPLE.COM', '[::1]:3000']) {
    const res = await app.inject({ url: '/whoami', headers: { host } })
    assert.equal(res.statusCode, 200, host)
  }
  const attacks = {
    'evil.com': 'TAO_ERR_HOST_NOT_ALLOWED',
    'example.com.evil.com': 'TAO_ERR_HOST_NOT_ALLOWED',
    'evilexample.com': 'TAO_ERR_HOST_NOT_ALLOWED',
    '127.0.0.1': 'TAO_ERR_HOST_NOT_ALLOWED',
    '[::2]:80': 'TAO_ERR_HOST_NOT_ALLOWED',
    'example.com@evil.com': 'TAO_ERR_HOST_INVALID',
    'evil.com#.example.com': 'TAO_ERR_HOST_INVALID',
    'evil.com/x.example.com': 'TAO_ERR_HOST_INVALID',
    'example.com:80:80': 'TAO_ERR_HOST_INVALID',
    'exa mple.com': 'TAO_ERR_HOST_INVALID',
  }
  for (const [host, code] of Object.entries(attacks)) {
    for (const url of ['/whoami', '/no/such/page']) {
      const res = await app.inject({ url, headers: { host, accept: 'application/json' } })
      assert.equal(res.statusCode, 400, `${host} ${url}`)
      assert.equal(res.json().code, code, host)
    }
  }
  const page = await app.inject({ url: '/whoami', headers: { host: 'evil.com' } })
  assert.match(page.body, /This site does not answer to the host &#39;evil\.com&#39;\. If this site should answer to it, add it to settings\.allowedHosts/)
})

test('a POST to a refused host is refused before its body or CSRF token is looked at', async () => {
  const app = await start()
  const res = await app.inject({ method: 'POST', url: '/api', headers: { host: 'evil.com', 'content-type': 'application/json', accept: 'application/json' }, payload: '{' })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().code, 'TAO_ERR_HOST_NOT_ALLOWED')
})

test('X-Forwarded-Host is checked when it comes from a trusted proxy, and ignored otherwise', async () => {
  const app = await start({ server: { trustProxy: ['10.0.0.1'] } })
  const viaProxy = (xfh: string, remoteAddress = '10.0.0.1') =>
    app.inject({ url: '/whoami', remoteAddress, headers: { host: 'backend:8080', 'x-forwarded-host': xfh, accept: 'application/json' } } as never)
  const ok = await viaProxy('www.example.com')
  assert.equal(ok.statusCode, 200)
  assert.equal(ok.json().host, 'www.example.com')
  assert.equal((await viaProxy('evil.com')).statusCode, 400)
  // A direct client: its X-Forwarded-Host changes nothing, so its Host 'backend' is refused.
  const direct = await viaProxy('www.example.com', '203.0.113.7')
  assert.equal(direct.statusCode, 400)
  assert.match(direct.json().message, /'backend'/)
})

test('an empty allowedHosts: localhost in debug and tests; nothing in production, with the fix', async () => {
  const dev = await start({ allowedHosts: [], debug: true })
  assert.equal((await dev.inject({ url: '/whoami', headers: { host: 'app.localhost:8080' } })).statusCode, 200)
  assert.equal((await dev.inject({ url: '/whoami', headers: { host: 'example.com' } })).statusCode, 400)

  process.env.NODE_ENV = 'production'
  const prod = await start({ allowedHosts: [] })
  const res = await prod.inject({ url: '/whoami', headers: { host: 'localhost', accept: 'application/json' } })
  assert.equal(res.statusCode, 400)
  assert.match(res.json().message, /settings\.allowedHosts is empty, so no host is allowed outside debug mode: set it \(or TAO_ALLOWED_HOSTS\)/)
})

test("TAO_ALLOWED_HOSTS and '*'", async () => {
  const env = await createTestApp({ root: fixture('safety'), env: { TAO_ALLOWED_HOSTS: 'a.test, .b.test' } })
  after(() => env.close())
  assert.equal((await env.inject({ url: '/whoami', headers: { host: 'x.b.test' } })).statusCode, 200)
  assert.equal((await env.inject({ url: '/whoami', headers: { host: 'example.com' } })).statusCode, 400)
  const any = await start({ allowedHosts: ['*'] })
  assert.equal((await any.inject({ url: '/whoami', headers: { host: 'whatever.example' } })).statusCode, 200)
})

test('a malformed allowedHosts entry is a settings error naming the key', async () => {
  await assert.rejects(createTestApp({ root: fixture('safety'), settings: { allowedHosts: ['https://example.com', 'example.com:8080'] } }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TAO_ERR_SETTINGS_INVALID')
    assert.match(err.message, /allowedHosts\[0\]: expected a host name such as 'example\.com'.*\(no scheme or port\), got 'https:\/\/example\.com'/)
    assert.match(err.message, /allowedHosts\[1\]: expected a host name/)
    return true
  })
})
