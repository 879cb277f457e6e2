import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { compilePath, Reverser } from './reverse.js'

const reverser = new Reverser(new Map([
  ['blog:index', '/blog/'],
  ['blog:post', '/blog/post/:slug'],
  ['blog:archive', '/blog/:year(^\\d{4})/:month?'],
  ['files:get', '/files/*'],
  ['api:pair', '/pair/:a-:b'],
  ['api:colon', '/time::now'],
  ['home:index', '/'],
]))

test('url() fills parameters with percent-encoding', () => {
  assert.equal(reverser.url('blog:index'), '/blog/')
  assert.equal(reverser.url('home:index'), '/')
  assert.equal(reverser.url('blog:post', { slug: 'hello world' }), '/blog/post/hello%20world')
  assert.equal(reverser.url('blog:post', { slug: 'a/b?c#d&e' }), '/blog/post/a%2Fb%3Fc%23d%26e')
  assert.equal(reverser.url('blog:post', { slug: 'café' }), '/blog/post/caf%C3%A9')
  assert.equal(reverser.url('blog:post', { slug: 42 }), '/blog/post/42')
  assert.equal(reverser.url('api:pair', { a: 'x', b: 'y' }), '/pair/x-y')
  assert.equal(reverser.url('api:colon'), '/time:now')
})

test('url() handles regex constraints, optional parameters and wildcards', () => {
  assert.equal(reverser.url('blog:archive', { year: 2026, month: 11 }), '/blog/2026/11')
  assert.equal(reverser.url('blog:archive', { year: 2026 }), '/blog/2026')
  assert.equal(reverser.url('files:get', { '*': 'docs/a b/c.txt' }), '/files/docs/a%20b/c.txt')
})

test('url() appends an encoded query string; arrays repeat; null is skipped', () => {
  assert.equal(reverser.url('blog:index', {}, { q: 'a&b', tag: ['x', 'y'], page: 2, none: null }), '/blog/?q=a%26b&tag=x&tag=y&page=2')
})

test('an unknown name is TAO_ERR_ROUTE_NOT_FOUND with the closest names', () => {
  assert.throws(() => reverser.url('blog:pots'), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_ROUTE_NOT_FOUND'))
    assert.match(err.message, /No route named 'blog:pots'\. Did you mean 'blog:post'/)
    assert.match(err.message, /tao routes/)
    return true
  })
})

test('a missing or unknown parameter names the route, its path and the fix', () => {
  assert.throws(() => reverser.url('blog:post'), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_ROUTE_MISSING_PARAM'))
    assert.match(err.message, /Route 'blog:post' \(\/blog\/post\/:slug\) needs the parameter 'slug'/)
    return true
  })
  assert.throws(() => reverser.url('blog:post', { slug: 'x', page: 2 }), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_ROUTE_UNKNOWN_PARAM'))
    assert.match(err.message, /has no parameter 'page'; its parameters are: slug/)
    return true
  })
})

test('compilePath lists parameters once at boot', () => {
  const c = compilePath('/blog/:year(^\\d{4})/:month?')
  assert.deepEqual(c.params, ['year', 'month'])
  assert.deepEqual(c.required, ['year'])
  assert.ok(Object.isFrozen(c))
})
