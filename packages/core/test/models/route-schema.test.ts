import assert from 'node:assert/strict'
import { test } from 'node:test'
import { modelsApp } from './helpers.js'

const json = { accept: 'application/json' }

test('a route with a TypeBox querystring schema gets typed, coerced values', async (t) => {
  const app = await modelsApp(t)
  const res = await app.inject('/search?q=tao&page=3')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { q: 'tao', page: 3 })
})

test('a bad query, path parameter or body answers 400 naming the field', async (t) => {
  const app = await modelsApp(t)
  const query = await app.inject({ url: '/search?page=x', headers: json })
  assert.equal(query.statusCode, 400)
  assert.match(query.body, /TAO_ERR_ROUTE_VALIDATION/)
  assert.match(query.body, /Invalid request query string: query\.q: This field is required\./)
  const params = await app.inject({ method: 'POST', url: '/items/nope', payload: { qty: 1 }, headers: json })
  assert.equal(params.statusCode, 400)
  assert.match(params.body, /params\.id: Use the 24 hex digits of an id\./)
  const body = await app.inject({ method: 'POST', url: '/items/0123456789abcdef01234567', payload: { qty: 0 }, headers: json })
  assert.equal(body.statusCode, 400)
  assert.match(body.body, /body\.qty: Enter a number greater than or equal to 1\./)
  const ok = await app.inject({ method: 'POST', url: '/items/0123456789abcdef01234567', payload: { qty: '2' }, headers: json })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { id: '0123456789abcdef01234567', qty: 2 })
})
