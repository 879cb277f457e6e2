// Rate limits (issue #18): a route's `rateLimit` option and defineRateLimit() in code; 429 with
// Retry-After and a TaoError body. Per-process counters here (no Redis configured).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { defineRateLimit, isTaoError, route, type TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
before(async () => { app = await createTestApp({ root: fixture('cache-site') }) })
after(async () => { await app.close() })

const from = (ip: string, url: string, accept = 'application/json') => app.inject({ url, remoteAddress: ip, headers: { accept } })

test('a route allows max requests per window and client, then answers 429 with Retry-After and a clear body', async () => {
  for (let i = 1; i <= 3; i++) {
    const ok = await from('10.0.0.1', '/limited')
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.headers['x-ratelimit-limit'], '3')
    assert.equal(ok.headers['x-ratelimit-remaining'], String(3 - i))
  }
  const refused = await from('10.0.0.1', '/limited')
  assert.equal(refused.statusCode, 429)
  const retryAfter = Number(refused.headers['retry-after'])
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
  const body = refused.json()
  assert.equal(body.code, 'TAO_ERR_RATE_LIMITED')
  assert.match(body.message, new RegExp(`^Too many requests: .*Retry in ${retryAfter} seconds?`))
  // An HTML client gets the error page with the same sentence.
  const page = await from('10.0.0.1', '/limited', 'text/html')
  assert.equal(page.statusCode, 429)
  assert.match(page.body, /Too many requests/)
  assert.equal(page.headers['retry-after'], String(retryAfter))
  // Another client has its own count; other routes are not limited.
  assert.equal((await from('10.0.0.2', '/limited')).statusCode, 200)
  assert.equal((await from('10.0.0.1', '/uncached')).statusCode, 200)
})

test('GET and HEAD of a route share one count, and cached answers are counted too', async () => {
  assert.equal((await from('10.0.1.1', '/limited/cached')).statusCode, 200)
  assert.equal((await app.inject({ method: 'HEAD', url: '/limited/cached', remoteAddress: '10.0.1.1' })).statusCode, 200)
  assert.equal((await from('10.0.1.1', '/limited/cached')).statusCode, 429)
})

test('defineRateLimit(): checked in code with its own key; 429 past the limit', async () => {
  assert.deepEqual((await from('10.0.2.1', '/checked?user=ann')).json(), { remaining: 1 })
  assert.deepEqual((await from('10.0.2.2', '/checked?user=ann')).json(), { remaining: 0 }, 'the key is the user, not the address')
  const refused = await from('10.0.2.3', '/checked?user=ann')
  assert.equal(refused.statusCode, 429)
  assert.equal(refused.json().code, 'TAO_ERR_RATE_LIMITED')
  assert.ok(Number(refused.headers['retry-after']) >= 1)
  assert.deepEqual((await from('10.0.2.1', '/checked?user=bob')).json(), { remaining: 1 })
})

test('bad limits are refused where they are declared', () => {
  assert.throws(() => defineRateLimit('x', { max: 0, window: '1m' }), (e: unknown) => isTaoError(e, 'TAO_ERR_RATE_LIMIT_INVALID') && /max must be a whole number of at least 1, got 0/.test(e.message))
  assert.throws(() => defineRateLimit('x', { max: 1, window: 'often' }), (e: unknown) => isTaoError(e, 'TAO_ERR_RATE_LIMIT_INVALID') && /window must be a duration/.test(e.message))
  assert.throws(() => defineRateLimit('bad name', { max: 1, window: 1000 }), (e: unknown) => isTaoError(e, 'TAO_ERR_RATE_LIMIT_INVALID'))
  assert.throws(() => route('GET', '/x', () => 'x', { rateLimit: { max: 5 } as never }), (e: unknown) => isTaoError(e, 'TAO_ERR_RATE_LIMIT_INVALID') && /on route GET \/x/.test(e.message))
})
