// TestClient: a browser for tests over inject(): cookies kept, CSRF tokens taken from pages,
// redirects followed on request.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp, csrfTokenIn, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp

describe('TestClient', () => {
  before(async () => { app = await createTestApp({ root: fixture('safety') }) })
  after(() => app.close())

  test('a form posted after visiting its page carries the token and the session', async () => {
    const client = new TestClient(app)
    assert.equal((await client.get('/form')).statusCode, 200)
    assert.ok(client.csrfToken)
    assert.ok(client.cookies.has('tao_session'))
    const res = await client.post('/submit', { title: 'Hello & bye', tags: ['a', 'b'] })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json().body, { title: 'Hello & bye', tags: ['a', 'b'], _csrf: client.csrfToken })
  })

  test('CSRF stays on: a post without visiting a page is refused', async () => {
    const res = await new TestClient(app).post('/submit', { title: 'x' })
    assert.equal(res.statusCode, 403)
  })

  test('follow: a redirect is followed with the session, so a flash message shows once', async () => {
    const client = new TestClient(app)
    const res = await client.get('/flash?level=success&text=Saved', { follow: true })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), [{ level: 'success', text: 'Saved' }])
    assert.deepEqual((await client.get('/messages')).json(), [])
    assert.equal((await client.get('/flash')).statusCode, 302, 'without follow the redirect itself')
  })

  test('json: the token goes in X-CSRF-Token', async () => {
    const client = new TestClient(app)
    await client.get('/form')
    const res = await client.json('/thing', { a: 1 }, { method: 'PUT' })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json(), { method: 'PUT', body: { a: 1 } })
  })

  test('cookies set and cleared by the app are kept and dropped', async () => {
    const client = new TestClient(app)
    await client.get('/cookies/set?theme=dark%20blue')
    assert.equal(client.cookies.get('theme'), 'dark blue')
    assert.equal((await client.get('/cookies')).json().cookies.theme, 'dark blue')
    await client.get('/cookies/set?clear=theme')
    assert.equal(client.cookies.has('theme'), false)
  })

  test('csrfTokenIn reads a csrf_field() input or a csrf-token meta tag', () => {
    assert.equal(csrfTokenIn('<form><input type="hidden" name="_csrf" value="a&amp;b"></form>'), 'a&b')
    assert.equal(csrfTokenIn('<meta name="csrf-token" content="xyz">'), 'xyz')
    assert.equal(csrfTokenIn('<p>no form</p>'), null)
  })
})
