// Cookies in pages: req.cookies (parsed when first read), reply.setCookie / clearCookie, signed
// cookies, all with @fastify/cookie's API; written together with the session cookie.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { CookieJar, setCookieLine } from '../helpers/cookie-jar.js'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp

function setCookieLines (res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'] as string | string[] | undefined
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
}

describe('cookies', () => {
  before(async () => { app = await createTestApp({ root: fixture('safety'), settings: { server: { trustProxy: true } } }) })
  after(() => app.close())

  test('req.cookies holds the Cookie header, percent-decoded, in an object without Object.prototype', async () => {
    const res = await app.inject({ url: '/cookies', headers: { cookie: 'a=1; b=hello%20world; __proto__=x' } })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { cookies: JSON.parse('{"a":"1","b":"hello world","__proto__":"x"}'), inherits: false })
    const none = await app.inject('/cookies')
    assert.deepEqual(none.json(), { cookies: {}, inherits: false })
  })

  test('setCookie: Path=/ and SameSite=Lax by default, options kept, the last value of a name wins', async () => {
    const res = await app.inject('/cookies/set?theme=dark&twice=1')
    const lines = setCookieLines(res).filter((l) => l.startsWith('theme='))
    assert.equal(lines.length, 1, lines.join('\n'))
    assert.match(lines[0]!, /^theme=light; Max-Age=60; Path=\/; SameSite=Lax$/)
    const dark = setCookieLines(await app.inject('/cookies/set?theme=dark'))
    assert.deepEqual(dark, ['theme=dark; Max-Age=60; Path=/; SameSite=Lax'])
  })

  test("secure: 'auto' marks the cookie Secure only over HTTPS", async () => {
    const https = setCookieLines(await app.inject({ url: '/cookies/set?theme=dark', headers: { 'x-forwarded-proto': 'https' } }))
    assert.match(https[0]!, /; Secure/)
    const plain = setCookieLines(await app.inject('/cookies/set?theme=dark'))
    assert.doesNotMatch(plain[0]!, /; Secure/)
  })

  test('clearCookie expires the cookie; the session cookie and others go out together', async () => {
    const res = await app.inject('/cookies/set?theme=dark&clear=old&session=1')
    const lines = setCookieLines(res)
    assert.equal(lines.length, 3, lines.join('\n'))
    assert.ok(lines.some((l) => l.startsWith('theme=dark;')))
    assert.ok(lines.some((l) => /^old=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/.test(l)), lines.join('\n'))
    assert.ok(setCookieLine(res), 'the session cookie')
  })

  test('signed cookies: signed with the secret key, verified, tampering detected', async () => {
    const jar = new CookieJar()
    jar.store(await app.inject('/cookies/set?signed=alice'))
    const signed = jar.get('remember')!
    assert.match(signed, /^alice\.[\w-]+$/, signed)
    const ok = await app.inject({ url: '/cookies/signed', headers: { cookie: jar.header() } })
    assert.deepEqual(ok.json(), { valid: true, renew: false, value: 'alice' })
    jar.set('remember', signed.replace('alice', 'mallory'))
    const forged = await app.inject({ url: '/cookies/signed', headers: { cookie: jar.header() } })
    assert.deepEqual(forged.json(), { valid: false, renew: false, value: null })
  })

  test('a page that reads no cookie parses none: pages have no onRequest cookie hook', async () => {
    const lines = app.fastify.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n')
    const at = lines.findIndex((l) => l.endsWith(' /form (GET)'))
    // The handler deadline is the only other onRequest hook, and its end the only other onSend
    // one (server/handler-deadline.ts).
    assert.match(lines[at + 1]!, /\(onRequest\) \["checkHost\(\)","startHandlerDeadline\(\)"\]$/)
    assert.match(lines[at + 2]!, /\(onSend\) \["securityHeaders\(\)","saveSession\(\)","endHandlerDeadline\(\)"\]$/)
  })
})
