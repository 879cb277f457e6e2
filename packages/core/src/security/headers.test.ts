import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cspDirectives, DEFAULT_CSP, helmetOptions } from './headers.js'
import { serverTimeouts } from './timeouts.js'
import { contentKind } from './static-headers.js'

const security = { headers: true, csp: true, cspReportOnly: false } as const

test("tao's CSP: no inline scripts, inline styles allowed, no upgrade-insecure-requests", () => {
  assert.deepEqual(DEFAULT_CSP['script-src'], ["'self'"])
  assert.ok(DEFAULT_CSP['style-src']!.includes("'unsafe-inline'"))
  assert.equal(DEFAULT_CSP['upgrade-insecure-requests'], undefined)
})

test('csp settings replace a directive, add one, or remove one with null', () => {
  const d = cspDirectives({ 'img-src': ["'self'", 'https://img.example.com'], 'upgrade-insecure-requests': [], 'object-src': null })
  assert.deepEqual(d['img-src'], ["'self'", 'https://img.example.com'])
  assert.deepEqual(d['upgrade-insecure-requests'], [])
  assert.equal(d['object-src'], undefined)
  assert.deepEqual(d['script-src'], ["'self'"])
})

test('helmet options: HSTS only outside debug; false turns headers off; objects refine', () => {
  assert.equal(helmetOptions({ debug: true, security })!.strictTransportSecurity, false)
  assert.deepEqual(helmetOptions({ debug: false, security })!.strictTransportSecurity, { maxAge: 31536000, includeSubDomains: false })
  assert.equal(helmetOptions({ debug: false, security: { ...security, headers: false } }), null)
  assert.equal(helmetOptions({ debug: false, security: { ...security, csp: false } })!.contentSecurityPolicy, false)
  const refined = helmetOptions({ debug: false, security: { ...security, headers: { hsts: { maxAge: 60 } } } })! as Record<string, unknown>
  assert.equal(refined.strictTransportSecurity, undefined)
  assert.deepEqual(refined.hsts, { maxAge: 60 })
})

test('timeouts: the header timeout never exceeds the request timeout; both are checked often', () => {
  const base = { requestTimeout: 30_000, headersTimeout: 20_000 }
  assert.deepEqual(serverTimeouts(base as never), { requestTimeout: 30_000, headersTimeout: 20_000, connectionsCheckingInterval: 5_000 })
  assert.equal(serverTimeouts({ requestTimeout: 1_000, headersTimeout: 20_000 } as never).headersTimeout, 1_000)
  assert.equal(serverTimeouts({ requestTimeout: 0, headersTimeout: 0 } as never).connectionsCheckingInterval, undefined)
})

test('contentKind: documents and stylesheets by Content-Type, the same answer once remembered and past the memory', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(contentKind('text/html; charset=utf-8'), 'document')
    assert.equal(contentKind('IMAGE/SVG+XML'), 'document')
    assert.equal(contentKind('text/css'), 'stylesheet')
    assert.equal(contentKind('application/json; charset=utf-8'), null)
    assert.equal(contentKind(undefined), null)
  }
  for (let i = 0; i < 100; i++) assert.equal(contentKind(`application/x-${i}`), null)
  assert.equal(contentKind('application/xhtml+xml; q=1'), 'document')
  assert.equal(contentKind('text/css; charset=utf-8'), 'stylesheet')
})
