// Regression for #12: a handler that does not answer in time gets a 503 with Retry-After,
// and its req.signal aborts; a route can set its own deadline.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { route } from '@tao/core'
import { get } from '../process/helpers.js'
import { processApp } from './helpers.js'

test('server.handlerTimeout: a slow handler is answered 503 with Retry-After at the deadline', async (t) => {
  const app = await processApp({ settings: { server: { handlerTimeout: 300 } } })
  t.after(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const start = Date.now()
  const res = await get(address, '/slow?ms=3000', { headers: { accept: 'application/json' } })
  const ms = Date.now() - start
  assert.equal(res.status, 503)
  assert.equal(res.headers['retry-after'], '5')
  assert.equal(JSON.parse(res.body).message, 'The service is temporarily unavailable. Please try again shortly.')
  assert.ok(ms < 2_500, `answered after ${ms} ms`)
  assert.equal((await get(address, '/')).status, 200, 'a fast route is not affected')
})

test("a route's own timeout wins over the setting, and aborts req.signal with the error", async (t) => {
  const app = await processApp({ settings: { server: { handlerTimeout: 0 } } })
  t.after(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const res = await get(address, '/capped?ms=5000')
  assert.equal(res.status, 503)
  assert.match(res.body, /503 Service Unavailable/)
  const { aborted } = JSON.parse((await get(address, '/last-abort')).body) as { aborted: { reason: string, after: number } }
  assert.equal(aborted.reason, 'TAO_ERR_SERVER_HANDLER_TIMEOUT')
  assert.ok(aborted.after < 2_000, `aborted after ${aborted.after} ms`)
  const free = await get(address, '/uncapped?ms=400')
  assert.equal(free.status, 200, 'timeout: 0 and handlerTimeout 0: no deadline')
  assert.equal(free.body, 'finished')
})

test('under debug the 503 names the route and the fix', async (t) => {
  const app = await processApp({ settings: { debug: true, server: { handlerTimeout: 200 } } })
  t.after(() => app.close())
  const res = await app.inject({ url: '/slow?ms=2000', headers: { accept: 'application/json' } })
  assert.equal(res.statusCode, 503)
  assert.equal(res.json().code, 'TAO_ERR_SERVER_HANDLER_TIMEOUT')
  assert.match(res.json().message, /^GET \/slow did not start its answer within 200 ms, so it was answered 503 and its req\.signal aborted\. .*route\(\.\.\., \{ timeout: '60s' \}\)/)
})

test('a bad route timeout is refused when the route is declared', () => {
  assert.throws(() => route('GET', '/x', async () => 'x', { timeout: 'soon' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TAO_ERR_ROUTE_INVALID')
    assert.match(err.message, /Invalid route GET \/x: the timeout "soon" must be a duration/)
    return true
  })
})
