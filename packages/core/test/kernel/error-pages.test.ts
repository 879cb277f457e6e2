import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fixtureApp } from './helpers.js'

test('unknown paths get a 404 page, as HTML or JSON following Accept', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  const html = await app.inject('/nope')
  assert.equal(html.statusCode, 404)
  assert.match(html.headers['content-type'] as string, /^text\/html; charset=utf-8/)
  assert.match(html.body, /<h1>404 Not Found<\/h1>/)
  assert.doesNotMatch(html.body, /Routes/, 'the route list is for debug only')
  const json = await app.inject({ url: '/nope', headers: { accept: 'application/json' } })
  assert.equal(json.statusCode, 404)
  assert.deepEqual(json.json(), { statusCode: 404, error: 'Not Found', message: 'No page at GET /nope.' })
  const xss = await app.inject('/<script>alert(1)</script>')
  assert.doesNotMatch(xss.body, /<script>alert/)
})

test('a view that throws notFound() answers 404 with its message, as HTML or JSON', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  const html = await app.inject('/blog/post/missing')
  assert.equal(html.statusCode, 404)
  assert.match(html.body, /<h1>404 Not Found<\/h1>/)
  assert.match(html.body, /There is no post &#39;&lt;missing&gt;&#39;\./)
  const json = await app.inject({ url: '/blog/post/missing', headers: { accept: 'application/json' } })
  assert.equal(json.statusCode, 404)
  assert.deepEqual(json.json(), { statusCode: 404, error: 'Not Found', message: "There is no post '<missing>'.", code: 'TAO_ERR_PAGE_NOT_FOUND' })
  assert.equal((await app.inject('/blog/post/found')).json().slug, 'found')
})

test('a failing handler answers 500 without the message or stack when debug is off', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  const html = await app.inject('/boom')
  assert.equal(html.statusCode, 500)
  assert.doesNotMatch(html.body, /secret internals|at .*views/)
  const json = await app.inject({ url: '/boom', headers: { accept: 'application/json' } })
  assert.equal(json.statusCode, 500)
  assert.equal(json.json().message, 'Something went wrong on our side. It has been logged.')
  assert.doesNotMatch(json.body, /secret internals|stack/)
})

test('with debug on, the 500 page shows the message and traceback and the 404 page lists routes', async (t) => {
  const app = await fixtureApp('basic', { settings: { debug: true } })
  t.after(() => app.close())
  const boom = await app.inject('/boom')
  assert.equal(boom.statusCode, 500)
  assert.match(boom.body, /secret internals/)
  assert.match(boom.body, /apps\/home\/views\.ts/, 'the failing frame of the user\'s code')
  const missing = await app.inject('/nope')
  assert.match(missing.body, /GET \/blog\/post\/:slug {2}\[blog:post\]/)
})

test('a malformed request is a 4xx with its reason, never a 500', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/blog/post', headers: { 'content-type': 'application/json', accept: 'application/json' }, payload: '{"broken":' })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().code, 'FST_ERR_CTP_INVALID_JSON_BODY')
})
