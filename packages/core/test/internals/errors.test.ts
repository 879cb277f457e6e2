// Keeps the error registry, the docs and the exported code type in step (cf. fastify's
// test/internals/errors.test.js).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { codes, TaoError, taoError, isTaoError, type TaoErrorCode } from '../../src/errors/index.js'

const docs = readFileSync(new URL('../../../../docs/reference/errors.md', import.meta.url), 'utf8')
const documented = new Set([...docs.matchAll(/^\| `(TAO_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]))

test('every code has the TAO_ERR_<CONCERN>_<WHAT> shape and a status', () => {
  for (const [code, entry] of Object.entries(codes)) {
    assert.match(code, /^TAO_ERR_[A-Z0-9]+_[A-Z0-9_]+$/)
    assert.ok(entry.status === 2 || (entry.status >= 400 && entry.status <= 599), `${code} status ${entry.status}`)
  }
})

test('every code is documented in docs/reference/errors.md, and nothing else is', () => {
  const registered = new Set(Object.keys(codes))
  assert.deepEqual([...registered].filter((c) => !documented.has(c)), [], 'codes missing from the docs')
  assert.deepEqual([...documented].filter((c) => !registered.has(c as string)), [], 'documented codes not in the registry')
})

test('documented codes are unique', () => {
  const all = [...docs.matchAll(/^\| `(TAO_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1])
  assert.equal(all.length, new Set(all).size)
})

test('taoError builds a TaoError carrying code, status, message and details', () => {
  const err = taoError('TAO_ERR_ROUTE_NOT_FOUND', ['blog:idx', " Did you mean 'blog:index'?"], { app: 'blog' })
  assert.ok(err instanceof TaoError)
  assert.ok(isTaoError(err, 'TAO_ERR_ROUTE_NOT_FOUND'))
  assert.equal(isTaoError(err, 'TAO_ERR_NOT_FOUND'), false)
  assert.equal(err.statusCode, 500)
  assert.equal(err.details.app, 'blog')
  assert.match(err.message, /No route named 'blog:idx'\. Did you mean 'blog:index'\?/)
  const code: TaoErrorCode = err.code
  assert.equal(code, 'TAO_ERR_ROUTE_NOT_FOUND')
})
