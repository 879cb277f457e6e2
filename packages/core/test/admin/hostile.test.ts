// Bad input to the admin is a 4xx with tao's message, never a 500: tampered ids, another
// session's CSRF token, unknown models and collections, malformed filters, cursors and
// parameters. Sent over a raw socket, as a hostile client would.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import type { TestClient } from '@tao/core/testing'
import { adminApp, clientAs, product } from './helpers.js'

let app: TaoApp
let boss: TestClient
let port = 0
let id = ''

before(async () => {
  app = await adminApp()
  boss = await clientAs(app, 'boss', { isSuperuser: true })
  id = String((await app.db.collection('shop_products').insertOne(product())).insertedId)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  port = Number(new URL(base).port)
})
after(() => app.close())

/** One raw HTTP/1.1 request with the superuser's cookies; the status and body. */
function raw (method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  const cookie = [...boss.cookies].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('; ')
  const head = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Cookie: ${cookie}`, 'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ...(body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`])]
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${path}`)))
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`)
  })
}

const cases: Array<[string, number, RegExp]> = [
  ['/admin/shop/products/0123456789abcdef01234567/change', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/shop/products/not%20an%20id%3F/change', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/shop/products/~%7B%7B%7B/change', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/shop/products/~eyJpZCI6eyIkd2hlcmUiOiIxIn19/history', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/shop/nothing/', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/auth/users/', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/shop/products/?o=price', 400, /cannot be sorted by &#39;price&#39;/],
  ['/admin/shop/products/?o=__proto__', 400, /TAO_ERR_ADMIN_QUERY_INVALID/],
  ['/admin/shop/products/?status=sold', 400, /choose one of draft, listed, retired/],
  ['/admin/shop/products/?active=maybe', 400, /TAO_ERR_ADMIN_QUERY_INVALID/],
  ['/admin/shop/products/?releasedAt__gte=2026-13-45', 400, /TAO_ERR_ADMIN_QUERY_INVALID/],
  ['/admin/shop/products/?category=%7B%22%24ne%22%3A1%7D', 400, /TAO_ERR_ADMIN_QUERY_INVALID/],
  ['/admin/shop/products/?after=%%%', 400, /TAO_ERR_ADMIN_QUERY_INVALID/],
  ['/admin/shop/products/?after=eyJ2Ijox', 400, /not a page cursor/],
  ['/admin/shop/products/?q=a&q=b', 400, /more than once/],
  ['/admin/_raw/no_such_collection/', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/_raw/system.users/', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/_raw/..%2F..%2Fetc/', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
  ['/admin/_raw/shop_products/?filter=%7Bnot%20json', 400, /TAO_ERR_ADMIN_FILTER_INVALID/],
  ['/admin/_raw/shop_products/?filter=%5B1%2C2%5D', 400, /must be a JSON object/],
  ['/admin/_raw/shop_products/?filter=%7B%22%24where%22%3A%22sleep(1000)%22%7D', 400, /the operator &#39;\$where&#39; is not allowed/],
  ['/admin/_raw/shop_products/?filter=%7B%22a%22%3A%7B%22%24function%22%3A%7B%7D%7D%7D', 400, /&#39;\$function&#39; is not allowed/],
  ['/admin/_raw/shop_products/?filter=%7B%22%24expr%22%3A%7B%7D%7D', 400, /&#39;\$expr&#39; is not allowed/],
  ['/admin/_raw/shop_products/?filter=%7B%22name%22%3A%7B%22%24regex%22%3A%22(%22%7D%7D', 400, /TAO_ERR_ADMIN_FILTER_INVALID/],
  ['/admin/_raw/shop_products/?filter=%7B%22_id%22%3A%7B%22%24oid%22%3A%22zz%22%7D%7D', 400, /TAO_ERR_ADMIN_FILTER_INVALID/],
  [`/admin/_raw/shop_products/?filter=${'%5B'.repeat(40)}`, 400, /TAO_ERR_ADMIN_FILTER_INVALID/],
  ['/admin/_raw/shop_products/0123456789abcdef01234567', 404, /TAO_ERR_ADMIN_NOT_FOUND/],
]

test('tampered ids, unknown models and collections, bad parameters and malformed filters: 4xx with the reason, never a 500', async () => {
  for (const [path, status, body] of cases) {
    const res = await raw('GET', path, '', { Accept: 'text/html' })
    assert.equal(res.status, status, `${path}: ${res.body.slice(0, 300)}`)
    assert.match(res.body, body, path)
    assert.doesNotMatch(res.body, /\/work\/|node_modules|at [A-Za-z]+ \(/, `${path}: no machine path or stack`)
  }
})

test("a form posted with another session's CSRF token is refused and changes nothing", async () => {
  await boss.get('/admin/shop/products/') // the superuser's session holds its own CSRF secret
  const other = await clientAs(app, 'other', { isSuperuser: true })
  await other.get('/admin/shop/products/')
  const foreign = other.csrfToken!
  const body = new URLSearchParams({ _csrf: foreign, action: 'delete_selected', _selected: id, confirm: 'yes' }).toString()
  const res = await raw('POST', '/admin/shop/products/', body, { 'Content-Type': 'application/x-www-form-urlencoded' })
  assert.equal(res.status, 403)
  assert.match(res.body, /TAO_ERR_CSRF_TOKEN_INVALID/)
  const edit = await raw('POST', `/admin/_raw/shop_products/${id}`, new URLSearchParams({ _csrf: foreign, document: '{}' }).toString(), { 'Content-Type': 'application/x-www-form-urlencoded' })
  assert.equal(edit.status, 403)
  assert.equal(await app.db.collection('shop_products').countDocuments({ _id: (await app.db.collection('shop_products').findOne({}))!._id }), 1)
})

test('bad action posts: unknown action, tampered selection, too many rows: 4xx', async () => {
  await boss.get('/admin/shop/products/')
  const unknown = await boss.post('/admin/shop/products/', { action: 'drop_database', _selected: [id] })
  assert.equal(unknown.statusCode, 400)
  assert.match(unknown.body, /Unknown action &#39;drop_database&#39;/)
  const tampered = await boss.post('/admin/shop/products/', { action: 'delete_selected', _selected: ['x'.repeat(3000)], confirm: 'yes' })
  assert.equal(tampered.statusCode, 404)
  const many = await boss.post('/admin/shop/products/', { action: 'delete_selected', _selected: Array.from({ length: 501 }, () => id) })
  assert.equal(many.statusCode, 400)
  const rowUnknown = await boss.post(`/admin/shop/products/${id}/action`, { action: 'nope' })
  assert.equal(rowUnknown.statusCode, 400)
  assert.equal(await app.db.collection('shop_products').countDocuments({}), 1)
})
