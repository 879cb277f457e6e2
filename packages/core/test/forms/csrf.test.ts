// CSRF: a form round-trip through a rendered page, and every kind of forged request refused.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { CookieJar, csrfFrom } from '../helpers/cookie-jar.js'
import { fixture } from '../helpers/fixtures.js'
import { multipart } from '../helpers/multipart.js'

let app: TaoApp
const form = { 'content-type': 'application/x-www-form-urlencoded' }

async function visit (jar = new CookieJar()): Promise<{ jar: CookieJar, token: string }> {
  const page = await app.inject({ url: '/form', headers: { cookie: jar.header() } })
  assert.equal(page.statusCode, 200)
  jar.store(page)
  return { jar, token: csrfFrom(page.body) }
}

describe('CSRF', () => {
  before(async () => { app = await createTestApp({ root: fixture('safety') }) })
  after(() => app.close())

  test('a form round-trip through a rendered page', async () => {
    const { jar, token } = await visit()
    const res = await app.inject({
      method: 'POST',
      url: '/submit',
      headers: { ...form, cookie: jar.header() },
      payload: `_csrf=${encodeURIComponent(token)}&title=Hello+world`,
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json().body, { _csrf: token, title: 'Hello world' })
    // The same page's token works again, and so does an older one after another visit.
    const again = await visit(jar)
    assert.notEqual(again.token, token)
    for (const t of [token, again.token]) {
      const r = await app.inject({ method: 'POST', url: '/submit', headers: { ...form, cookie: jar.header() }, payload: `_csrf=${encodeURIComponent(t)}` })
      assert.equal(r.statusCode, 200)
    }
  })

  test('a post without a token is refused with a page that explains', async () => {
    const { jar } = await visit()
    const res = await app.inject({ method: 'POST', url: '/submit?x=1', headers: { ...form, cookie: jar.header() }, payload: 'title=pwned' })
    assert.equal(res.statusCode, 403)
    assert.match(res.headers['content-type'] as string, /text\/html/)
    assert.match(res.body, /POST \/submit was refused: it carries no CSRF token/)
    assert.match(res.body, /TAO_ERR_CSRF_TOKEN_MISSING/)
    const json = await app.inject({ method: 'POST', url: '/submit', headers: { ...form, cookie: jar.header(), accept: 'application/json' }, payload: 'title=pwned' })
    assert.equal(json.statusCode, 403)
    assert.equal(json.json().code, 'TAO_ERR_CSRF_TOKEN_MISSING')
  })

  test('a token without the session it belongs to is refused', async () => {
    const { token } = await visit()
    const res = await app.inject({ method: 'POST', url: '/submit', headers: { ...form, accept: 'application/json' }, payload: `_csrf=${encodeURIComponent(token)}` })
    assert.equal(res.statusCode, 403)
    assert.equal(res.json().code, 'TAO_ERR_CSRF_SESSION_MISSING')
    assert.match(res.json().message, /the session holds no CSRF secret/)
  })

  test("the attacker's own token with the victim's cookie is refused", async () => {
    const victim = await visit()
    const attacker = await visit()
    for (const token of [attacker.token, 'forged', victim.token.slice(0, -2)]) {
      const res = await app.inject({
        method: 'POST',
        url: '/submit',
        headers: { ...form, cookie: victim.jar.header(), accept: 'application/json' },
        payload: `_csrf=${encodeURIComponent(token)}`,
      })
      assert.equal(res.statusCode, 403, token)
      assert.equal(res.json().code, 'TAO_ERR_CSRF_TOKEN_INVALID')
    }
  })

  test('JSON bodies: the token in the X-CSRF-Token header or the _csrf key', async () => {
    const { jar, token } = await visit()
    const json = { 'content-type': 'application/json', cookie: jar.header() }
    const viaHeader = await app.inject({ method: 'POST', url: '/submit', headers: { ...json, 'x-csrf-token': token }, payload: { a: 1 } })
    assert.equal(viaHeader.statusCode, 200, viaHeader.body)
    const viaBody = await app.inject({ method: 'POST', url: '/submit', headers: json, payload: { _csrf: token, a: 1 } })
    assert.equal(viaBody.statusCode, 200)
    const none = await app.inject({ method: 'POST', url: '/submit', headers: json, payload: { a: 1 } })
    assert.equal(none.statusCode, 403)
    assert.equal(none.json().code, 'TAO_ERR_CSRF_TOKEN_MISSING')
  })

  test('PUT, PATCH and DELETE are checked too; GET is not', async () => {
    const { jar, token } = await visit()
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const refused = await app.inject({ method, url: '/thing', headers: { cookie: jar.header() } })
      assert.equal(refused.statusCode, 403, method)
      const ok = await app.inject({ method, url: '/thing', headers: { cookie: jar.header(), 'x-csrf-token': token } })
      assert.equal(ok.statusCode, 200, method)
      assert.equal(ok.json().method, method)
    }
    assert.equal((await app.inject('/form')).statusCode, 200)
  })

  test('a route answering GET and POST: the page is free, its form post is checked', async () => {
    const page = await app.inject('/contact')
    assert.equal(page.statusCode, 200)
    assert.equal(page.json().method, 'GET')
    const { jar, token } = await visit()
    const forged = await app.inject({ method: 'POST', url: '/contact', headers: { ...form, cookie: jar.header() }, payload: 'msg=hi' })
    assert.equal(forged.statusCode, 403)
    const ok = await app.inject({ method: 'POST', url: '/contact', headers: { ...form, cookie: jar.header() }, payload: `_csrf=${encodeURIComponent(token)}&msg=hi` })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json().body.msg, 'hi')
    const parts = multipart([{ name: '_csrf', value: token }, { name: 'msg', value: 'hi' }])
    const multi = await app.inject({ method: 'POST', url: '/contact', headers: { ...parts.headers, cookie: jar.header() }, payload: parts.payload })
    assert.equal(multi.statusCode, 200, multi.body)
    assert.deepEqual(multi.json().body, { _csrf: token, msg: 'hi' })
  })

  test('a page that only reads runs no body or CSRF hook; routes taking a body run both', async () => {
    // Routes are split at boot by method: GET pages never pay for multipart reading or CSRF.
    const lines = app.fastify.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n')
    const of = (path: string, method: string) => {
      const at = lines.findIndex((l) => l.endsWith(` ${path} (${method})`))
      assert.ok(at >= 0, `${method} ${path} in\n${lines.join('\n')}`)
      const end = lines.findIndex((l, i) => i > at && !l.includes('• ('))
      return lines.slice(at + 1, end).join('\n')
    }
    assert.doesNotMatch(of('/form', 'GET'), /preValidation|onResponse|checkCsrf|readMultipart/)
    assert.match(of('/submit', 'POST'), /readMultipart\(\)","checkCsrf\(\)/)
    assert.match(of('/api', 'POST'), /readMultipart\(\)/)
    assert.doesNotMatch(of('/api', 'POST'), /checkCsrf/)
  })

  test('a route with { csrf: false } takes posts without a token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api', headers: { 'content-type': 'application/json' }, payload: { a: 1 } })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().body, { a: 1 })
  })

  test('multipart forms carry the token as a field', async () => {
    const { jar, token } = await visit()
    const ok = multipart([{ name: '_csrf', value: token }, { name: 'f', filename: 'a.txt', content: 'hi' }])
    const res = await app.inject({ method: 'POST', url: '/upload', headers: { ...ok.headers, cookie: jar.header() }, payload: ok.payload })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().files[0].content, 'hi')
    const forged = multipart([{ name: 'f', filename: 'a.txt', content: 'hi' }])
    const refused = await app.inject({ method: 'POST', url: '/upload', headers: { ...forged.headers, cookie: jar.header() }, payload: forged.payload })
    assert.equal(refused.statusCode, 403)
  })
})
