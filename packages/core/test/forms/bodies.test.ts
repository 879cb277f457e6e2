// Form and JSON bodies: limits (413; too many fields 400), dangerous names and malformed bodies
// (400), and never a 500. Routes with { csrf: false } keep the token out of the counts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { multipart } from '../helpers/multipart.js'

let app: TaoApp
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
const JSON_TYPE = { 'content-type': 'application/json', accept: 'application/json' }

function post (payload: string | Buffer, headers: Record<string, string> = FORM) {
  return app.inject({ method: 'POST', url: '/api', headers, payload })
}

async function expectError (res: Awaited<ReturnType<typeof post>>, status: number, code: string, message?: RegExp) {
  assert.equal(res.statusCode, status, res.body)
  assert.equal(res.json().code, code)
  if (message) assert.match(res.json().message, message)
}

describe('bodies', () => {
  before(async () => {
    app = await createTestApp({
      root: fixture('safety'),
      settings: { server: { bodyLimit: '2kb' }, forms: { maxFields: 5, maxFieldSize: 100 } },
    })
  })
  after(() => app.close())

  test('urlencoded forms: strings, arrays for repeated names, + and percent-decoding', async () => {
    const res = await post('a=1&b=x+y%21&c=%C3%A9t%C3%A9&a=2&flag')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().body, { a: ['1', '2'], b: 'x y!', c: 'été', flag: '' })
  })

  test('at the field limit passes; one more is a 400', async () => {
    assert.equal((await post('a=1&b=2&c=3&d=4&e=5')).statusCode, 200)
    await expectError(await post('a=1&b=2&c=3&d=4&e=5&f=6'), 400, 'TAO_ERR_FORM_TOO_MANY_FIELDS', /more than 5 fields \(settings\.forms\.maxFields\)/)
  })

  test('a field at the size limit passes; one byte more is a 413', async () => {
    assert.equal((await post(`t=${'x'.repeat(100)}`)).statusCode, 200)
    await expectError(await post(`t=${'x'.repeat(101)}`), 413, 'TAO_ERR_FORM_FIELD_TOO_LARGE', /'t' is larger than 100 bytes/)
    // Bytes, not characters: 51 two-byte characters are 102 bytes.
    await expectError(await post(`t=${'%C3%A9'.repeat(51)}`), 413, 'TAO_ERR_FORM_FIELD_TOO_LARGE')
  })

  test('a body over server.bodyLimit is a 413, form or JSON', async () => {
    const big = 'x'.repeat(2049)
    assert.equal((await post(`${big}`)).statusCode, 413)
    assert.equal((await post(JSON.stringify({ a: big }), JSON_TYPE)).statusCode, 413)
  })

  test('__proto__, constructor.prototype and Object.prototype names are a 400', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'a[__proto__][x]', 'constructor[prototype][x]', 'a.constructor.prototype.x', '__proto__.x']) {
      await expectError(await post(`${encodeURIComponent(name)}=1`), 400, 'TAO_ERR_FORM_FIELD_NAME')
    }
    assert.equal(({} as Record<string, unknown>).x, undefined)
    for (const body of ['{"__proto__":{"x":1}}', '{"a":{"__proto__":{"x":1}}}', '{"constructor":{"prototype":{"x":1}}}']) {
      const res = await post(body, JSON_TYPE)
      assert.equal(res.statusCode, 400, body)
    }
  })

  test('malformed bodies are a 400, never a 500', async () => {
    await expectError(await post('a=%ZZ'), 400, 'TAO_ERR_FORM_MALFORMED', /broken percent-encoding/)
    for (const body of ['{', '{"a":', 'null x', '[1,]']) {
      assert.equal((await post(body, JSON_TYPE)).statusCode, 400, body)
    }
    assert.equal((await post('', JSON_TYPE)).statusCode, 400)
    const parts = multipart([{ name: 'a', value: '1' }]).payload
    const cases: [string, Buffer | string, RegExp][] = [
      ['multipart/form-data', parts, /Boundary not found/],
      ['multipart/form-data; boundary=other', parts, /Unexpected end/],
      ['multipart/form-data; boundary=----taotest7MA4YWxkTrZu0gW', parts.subarray(0, parts.length - 10), /Unexpected end/],
      ['multipart/form-data; boundary=x', Buffer.from([0, 1, 2, 3, 255, 254]), /Unexpected end/],
    ]
    for (const [type, payload, reason] of cases) {
      await expectError(await post(payload, { 'content-type': type, accept: 'application/json' }), 400, 'TAO_ERR_FORM_MALFORMED', reason)
    }
  })

  test('an unknown content type is a 415', async () => {
    assert.equal((await post('<a/>', { 'content-type': 'application/xml' })).statusCode, 415)
  })

  test('garbage in any body type is never a 500', async () => {
    const types = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=b', 'text/plain', 'application/octet-stream']
    const bodies = ['', '=', '&&&', '%', '%%%', '\u0000', '{"a":1}', '--b\r\n', '--b--', '\r\n\r\n', Buffer.from([0xff, 0xfe, 0xfd]).toString('latin1')]
    for (const type of types) {
      for (const body of bodies) {
        const res = await post(body, { 'content-type': type, accept: 'application/json' })
        assert.ok(res.statusCode < 500, `${type} ${JSON.stringify(body)}: ${res.statusCode} ${res.body}`)
      }
    }
  })
})
