// Security headers on every response: pages, not-found, refused hosts, CSRF and server errors;
// and how settings.security changes them.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import type { UserSettings } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

async function start (settings: UserSettings = {}) {
  const app = await createTestApp({ root: fixture('safety'), settings })
  after(() => app.close())
  return app
}

const SECURITY = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']
const EVERY_RESPONSE = ['x-content-type-options', 'cross-origin-resource-policy']
const HTTPS = { 'x-forwarded-proto': 'https' }

test('every page carries the security headers, error pages included', async () => {
  const app = await start({ server: { trustProxy: true } })
  const responses = {
    page: await app.inject({ url: '/form', headers: HTTPS }),
    'not found': await app.inject('/nope'),
    'refused host': await app.inject({ url: '/form', headers: { host: 'evil.com' } }),
    'CSRF failure': await app.inject({ method: 'POST', url: '/submit' }),
  }
  for (const [what, res] of Object.entries(responses)) {
    assert.match(res.headers['content-type'] as string, /^text\/html/, what)
    for (const h of SECURITY) assert.ok(res.headers[h], `${what}: ${h}`)
  }
  const page = responses.page
  assert.equal(page.headers['x-content-type-options'], 'nosniff')
  assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
  assert.equal(page.headers['referrer-policy'], 'same-origin')
  assert.match(page.headers['strict-transport-security'] as string, /^max-age=31536000$/)
  const csp = page.headers['content-security-policy'] as string
  assert.match(csp, /default-src 'self'/)
  assert.match(csp, /script-src 'self';/)
  assert.match(csp, /style-src 'self' 'unsafe-inline'/, 'the built-in error pages use an inline <style>')
  assert.match(csp, /frame-ancestors 'self'/)
  assert.doesNotMatch(csp, /upgrade-insecure-requests/)
  // Headers only old browsers read are not sent.
  for (const h of ['x-xss-protection', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-dns-prefetch-control']) {
    assert.equal(page.headers[h], undefined, h)
  }
})

test('JSON and other non-documents get the headers that apply to them, not CSP or framing', async () => {
  const app = await start()
  const res = await app.inject({ method: 'POST', url: '/api', headers: { 'content-type': 'application/json', accept: 'application/json' }, payload: '{' })
  assert.equal(res.statusCode, 400)
  for (const h of EVERY_RESPONSE) assert.ok(res.headers[h], h)
  for (const h of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']) {
    assert.equal(res.headers[h], undefined, h)
  }
  // A stylesheet's Referrer-Policy governs the fetches it makes (fonts, images).
  const css = await app.inject('/style.css')
  assert.equal(css.headers['referrer-policy'], 'same-origin')
  assert.equal(css.headers['x-content-type-options'], 'nosniff')
  assert.equal(css.headers['content-security-policy'], undefined)
})

test('HSTS only on HTTPS requests: browsers ignore it over plain HTTP', async () => {
  const app = await start({ server: { trustProxy: true } })
  assert.equal((await app.inject('/form')).headers['strict-transport-security'], undefined)
  assert.ok((await app.inject({ url: '/form', headers: HTTPS })).headers['strict-transport-security'])
})

test('no HSTS in debug mode', async () => {
  const app = await start({ debug: true })
  assert.equal((await app.inject('/form')).headers['strict-transport-security'], undefined)
})

test('settings.security.csp merges directives; null removes one; false removes the header', async () => {
  const app = await start({ security: { csp: { 'img-src': ["'self'", 'https://img.example.com'], 'object-src': null, 'upgrade-insecure-requests': [] } } })
  const csp = (await app.inject('/form')).headers['content-security-policy'] as string
  assert.match(csp, /img-src 'self' https:\/\/img\.example\.com/)
  assert.doesNotMatch(csp, /object-src/)
  assert.match(csp, /upgrade-insecure-requests/)
  const off = await start({ security: { csp: false } })
  const res = await off.inject('/form')
  assert.equal(res.headers['content-security-policy'], undefined)
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
})

test('cspReportOnly sends the report-only header instead', async () => {
  const res = await (await start({ security: { cspReportOnly: true } })).inject('/form')
  assert.equal(res.headers['content-security-policy'], undefined)
  assert.match(res.headers['content-security-policy-report-only'] as string, /default-src 'self'/)
})

test('helmet options refine the headers; headers: false turns them all off', async () => {
  const deny = await (await start({ server: { trustProxy: true }, security: { headers: { xFrameOptions: { action: 'deny' }, hsts: { maxAge: 60 }, xssFilter: true } } })).inject({ url: '/form', headers: HTTPS })
  assert.equal(deny.headers['x-xss-protection'], '0', 'an old header can be turned back on')
  assert.equal(deny.headers['x-frame-options'], 'DENY')
  assert.equal(deny.headers['strict-transport-security'], 'max-age=60; includeSubDomains')
  const none = await (await start({ security: { headers: false } })).inject('/form')
  for (const h of SECURITY) assert.equal(none.headers[h], undefined, h)
})

test('with CSP nonces asked for, each response gets its own', async () => {
  const app = await start({ security: { headers: { enableCSPNonces: true } } })
  const a = (await app.inject('/form')).headers['content-security-policy'] as string
  const b = (await app.inject('/form')).headers['content-security-policy'] as string
  assert.match(a, /script-src 'self' 'nonce-[0-9a-f]{32}'/)
  assert.notEqual(a, b)
})
