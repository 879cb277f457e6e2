import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { isRouteDef, route, ws } from './route.js'

const view = async () => 'ok'

test('route() returns frozen plain data with upper-cased methods', () => {
  const r = route('get', '/post/:slug', view, 'post')
  assert.ok(isRouteDef(r))
  assert.deepEqual(r.methods, ['GET'])
  assert.equal(r.name, 'post')
  assert.equal(r.kind, 'http')
  assert.ok(Object.isFrozen(r))
  const multi = route(['GET', 'POST'], '/form', view, { name: 'form', csrf: false })
  assert.deepEqual(multi.methods, ['GET', 'POST'])
  assert.equal(multi.options.csrf, false)
  assert.equal(ws('/live', () => {}, 'live').kind, 'ws')
  assert.equal(isRouteDef({ kind: 'http' }), false)
})

test('route() rejects bad declarations with TAO_ERR_ROUTE_INVALID naming the route', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => route('FETCH' as 'GET', '/x', view), /GET|FETCH.*unknown HTTP method/],
    [() => route('GET', 'x', view), /must start with '\/'/],
    [() => route('GET', '/x', undefined as unknown as typeof view), /handler is undefined \(is the view exported\?\)/],
    [() => route('GET', '/x', view, 'bad name'), /must be letters, digits/],
    [() => route('GET', '/x', view, 'blog:x'), /the app label is added for you/],
    [() => ws('live', () => {}), /WS live.*must start with '\/'/],
  ]
  for (const [fn, message] of cases) {
    assert.throws(fn, (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_ROUTE_INVALID'), String(err))
      assert.match(err.message, message)
      return true
    })
  }
})
