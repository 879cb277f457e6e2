// Sessions in encrypted cookies: flags, key rotation, the tampered-cookie catalogue, size limit,
// flash messages. Drives the 'safety' fixture through inject() with a hand-kept cookie jar.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import fastifySecureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import type { TaoApp, UserSettings } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { CookieJar, setCookieLine } from '../helpers/cookie-jar.js'
import { fixture, KEY_A, KEY_B, KEY_B64 } from '../helpers/fixtures.js'

async function start (settings: UserSettings = {}): Promise<TaoApp> {
  const app = await createTestApp({ root: fixture('safety'), settings })
  after(() => app.close())
  return app
}

async function setValue (app: TaoApp, jar: CookieJar, key: string, value: string) {
  const res = await app.inject({ url: `/session/set?key=${key}&value=${value}`, headers: { cookie: jar.header() } })
  assert.equal(res.statusCode, 200, res.body)
  jar.store(res)
  return res
}

async function read (app: TaoApp, cookie: string) {
  const res = await app.inject({ url: '/session', headers: { cookie } })
  assert.equal(res.statusCode, 200, res.body)
  return { data: res.json() as Record<string, unknown>, res }
}

describe('the session cookie', () => {
  test('is HttpOnly, SameSite=Lax, Path=/, has a Max-Age, and round-trips', async () => {
    const app = await start()
    const jar = new CookieJar()
    const res = await setValue(app, jar, 'color', 'blue')
    const line = setCookieLine(res)!
    assert.match(line, /; HttpOnly/i)
    assert.match(line, /; SameSite=Lax/i)
    assert.match(line, /; Path=\//i)
    assert.match(line, /; Max-Age=1209600/i)
    assert.doesNotMatch(line, /; Secure/i)
    const { data, res: again } = await read(app, jar.header())
    assert.deepEqual(data, { color: 'blue' })
    assert.equal(setCookieLine(again), undefined, 'an unchanged session is not sent again')
  })

  test('is Secure behind a trusted proxy that says https, and only then', async () => {
    const trusted = await start({ server: { trustProxy: ['127.0.0.1'] } })
    const other = await start({ server: { trustProxy: ['10.0.0.1'] } })
    const none = await start()
    const https = { 'x-forwarded-proto': 'https' }
    const res = await trusted.inject({ url: '/session/set?key=a&value=1', headers: https })
    assert.match(setCookieLine(res)!, /; Secure/i)
    for (const app of [other, none]) {
      const r = await app.inject({ url: '/session/set?key=a&value=1', headers: https })
      assert.doesNotMatch(setCookieLine(r)!, /; Secure/i)
    }
  })

  test('deleting the session expires the cookie', async () => {
    const app = await start()
    const jar = new CookieJar()
    await setValue(app, jar, 'a', '1')
    const res = await app.inject({ url: '/session/delete', headers: { cookie: jar.header() } })
    const line = setCookieLine(res)!
    assert.match(line, /^tao_session=;/)
    assert.match(line, /Expires=Thu, 01 Jan 1970/i)
  })

  test('uses settings.session.cookieName and maxAge', async () => {
    const app = await start({ session: { cookieName: 'sid', maxAge: '1h' } })
    const res = await app.inject('/session/set?key=a&value=1')
    assert.match(setCookieLine(res, 'sid')!, /; Max-Age=3600/i)
  })
})

describe('key rotation', () => {
  test('a cookie made with the old key is read with [new, old] and re-encrypted with the new key', async () => {
    const oldApp = await start({ secretKey: KEY_A })
    const rotated = await start({ secretKey: [KEY_B, KEY_A] })
    const newOnly = await start({ secretKey: KEY_B })
    const jar = new CookieJar()
    await setValue(oldApp, jar, 'user', 'ada')
    const oldCookie = jar.header()

    const { data, res } = await read(rotated, oldCookie)
    assert.deepEqual(data, { user: 'ada' })
    const line = setCookieLine(res)
    assert.ok(line, 'the rotated app sends the session again, encrypted with the new key')
    jar.store(res)

    assert.deepEqual((await read(newOnly, jar.header())).data, { user: 'ada' })
    assert.deepEqual((await read(newOnly, oldCookie)).data, {}, 'a retired key decrypts nothing')
  })

  test('TAO_SECRET_KEY may list keys, comma-separated, in hex or base64', async () => {
    const writer = await createTestApp({ root: fixture('safety'), env: { TAO_SECRET_KEY: KEY_B64 } })
    after(() => writer.close())
    const reader = await createTestApp({ root: fixture('safety'), env: { TAO_SECRET_KEY: `${KEY_B}, ${KEY_B64}` } })
    after(() => reader.close())
    const jar = new CookieJar()
    await setValue(writer, jar, 'n', '42')
    assert.deepEqual((await read(reader, jar.header())).data, { n: '42' })
  })
})

describe('a bad cookie gives an empty session, never an error', () => {
  test('the tampered-cookie catalogue', async () => {
    const app = await start()
    const jar = new CookieJar()
    await setValue(app, jar, 'user', 'ada')
    const good = jar.get('tao_session')!
    const [cipher, nonce] = good.split(';') as [string, string]
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)

    const foreignApp = await start({ secretKey: KEY_B })
    const foreignJar = new CookieJar()
    await setValue(foreignApp, foreignJar, 'user', 'mallory')

    const catalogue: Record<string, string> = {
      'a flipped ciphertext byte': `tao_session=${encodeURIComponent(`${flip(cipher, 5)};${nonce}`)}`,
      'a flipped nonce byte': `tao_session=${encodeURIComponent(`${cipher};${flip(nonce, 3)}`)}`,
      'a truncated ciphertext': `tao_session=${encodeURIComponent(`${cipher.slice(0, 10)};${nonce}`)}`,
      'a cookie cut in half': `tao_session=${encodeURIComponent(good.slice(0, good.length >> 1))}`,
      'no nonce': `tao_session=${encodeURIComponent(cipher)}`,
      'a short nonce': `tao_session=${encodeURIComponent(`${cipher};AAAA`)}`,
      'an empty value': 'tao_session=',
      'plain text': 'tao_session=hello',
      JSON: `tao_session=${encodeURIComponent('{"user":"admin"}')}`,
      'many separators': `tao_session=${encodeURIComponent(';;;;;')}`,
      'not base64': `tao_session=${encodeURIComponent('!!!!;@@@@')}`,
      'broken percent-encoding': 'tao_session=%E0%A4%A;%ZZ',
      'a long value': `tao_session=${'A'.repeat(6000)};${nonce}`,
      'a foreign key': `tao_session=${encodeURIComponent(foreignJar.get('tao_session')!)}`,
      'swapped parts': `tao_session=${encodeURIComponent(`${nonce};${cipher}`)}`,
    }
    for (const [name, cookie] of Object.entries(catalogue)) {
      const res = await app.inject({ url: '/session', headers: { cookie } })
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`)
      assert.deepEqual(res.json(), {}, name)
    }
  })

  test('an expired cookie', async () => {
    // A cookie made with the right key whose timestamp is older than the session's maxAge.
    const maker = Fastify()
    await maker.register(fastifySecureSession, { key: [Buffer.from(KEY_A, 'hex')] })
    await maker.ready()
    const expired = maker.encodeSecureSession(maker.createSecureSession({ user: 'ada', __ts: Math.round(Date.now() / 1000) - 3601 }))
    const fresh = maker.encodeSecureSession(maker.createSecureSession({ user: 'ada' }))
    await maker.close()
    const app = await start({ session: { maxAge: '1h' } })
    assert.deepEqual((await read(app, `tao_session=${encodeURIComponent(fresh)}`)).data, { user: 'ada' })
    assert.deepEqual((await read(app, `tao_session=${encodeURIComponent(expired)}`)).data, {})
  })
})

describe('a session too large for a cookie', () => {
  test('is a TaoError in debug mode, and the previous cookie stays', async () => {
    const app = await start({ debug: true })
    const jar = new CookieJar()
    await setValue(app, jar, 'user', 'ada')
    const res = await app.inject({ url: '/session/set?size=5000', headers: { cookie: jar.header(), accept: 'application/json' } })
    assert.equal(res.statusCode, 500)
    assert.equal(res.json().code, 'TAO_ERR_SESSION_TOO_LARGE')
    assert.match(res.json().message, /too large for its cookie: \d+ bytes once encrypted, and browsers keep at most 4096\. Largest keys: big \(5002 bytes\)/)
    assert.equal(setCookieLine(res), undefined)
    assert.deepEqual((await read(app, jar.header())).data, { user: 'ada' })
  })

  test('is logged in production, the page is served, and the previous cookie stays', async () => {
    const app = await start()
    const jar = new CookieJar()
    await setValue(app, jar, 'user', 'ada')
    const res = await app.inject({ url: '/session/set?size=5000', headers: { cookie: jar.header() } })
    assert.equal(res.statusCode, 200)
    assert.equal(setCookieLine(res), undefined)
    assert.deepEqual((await read(app, jar.header())).data, { user: 'ada' })
  })

  test('a session just under the limit is stored', async () => {
    const app = await start()
    const res = await app.inject('/session/set?size=2500')
    assert.ok(setCookieLine(res))
  })
})

describe('flash messages', () => {
  test('are shown once, after a redirect', async () => {
    const app = await start()
    const jar = new CookieJar()
    const res = await app.inject({ url: '/flash?level=success&text=Saved', headers: { cookie: jar.header() } })
    assert.equal(res.statusCode, 302)
    jar.store(res)
    await app.inject({ url: '/flash?text=Second', headers: { cookie: jar.header() } }).then((r) => jar.store(r))
    const first = await app.inject({ url: '/messages', headers: { cookie: jar.header() } })
    assert.deepEqual(first.json(), [{ level: 'success', text: 'Saved' }, { level: 'info', text: 'Second' }])
    jar.store(first)
    const second = await app.inject({ url: '/messages', headers: { cookie: jar.header() } })
    assert.deepEqual(second.json(), [])
  })

  test('an unknown level is a clear error', async () => {
    const app = await start({ debug: true })
    const res = await app.inject({ url: '/flash?level=shout', headers: { accept: 'application/json' } })
    assert.equal(res.statusCode, 500)
    assert.equal(res.json().code, 'TAO_ERR_SESSION_FLASH_INVALID')
    assert.match(res.json().message, /the level "shout" is unknown/)
  })
})
