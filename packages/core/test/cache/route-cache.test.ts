// Per-route response caching (issue #18): only anonymous GET/HEAD without Set-Cookie, per URL and
// Vary, with ETag and 304; a real Fastify server through inject(), the memory backend.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
before(async () => { app = await createTestApp({ root: fixture('cache-site') }) })
after(async () => { await app.close() })

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers })

test('a cached page is computed once and then served from the cache, with an ETag', async () => {
  const first = await get('/cached?page=1')
  assert.equal(first.statusCode, 200)
  const etag = first.headers.etag as string
  assert.match(etag, /^"[\w-]{20,}"$/)
  const second = await get('/cached?page=1')
  assert.equal(second.statusCode, 200)
  assert.equal(second.body, first.body)
  assert.equal(second.headers.etag, etag)
  assert.equal(second.headers['content-type'], 'text/html; charset=utf-8')
  // The security headers of a page are there on a hit too.
  assert.equal(second.headers['x-content-type-options'], first.headers['x-content-type-options'])
  // Another query string is another page.
  const other = await get('/cached?page=2')
  assert.notEqual(other.body, first.body)
  // A route without the option computes every time.
  const u1 = await get('/uncached')
  const u2 = await get('/uncached')
  assert.notEqual(u1.body, u2.body)
  assert.equal(u1.headers.etag, undefined)
})

test('If-None-Match with the ETag answers 304 with no body, on the computing request and on hits', async () => {
  const first = await get('/cached/short')
  const etag = first.headers.etag as string
  const hit = await get('/cached/short', { 'if-none-match': etag })
  assert.equal(hit.statusCode, 304)
  assert.equal(hit.body, '')
  assert.equal(hit.headers.etag, etag)
  const weak = await get('/cached/short', { 'if-none-match': `"nope", W/${etag}` })
  assert.equal(weak.statusCode, 304)
  const stale = await get('/cached/short', { 'if-none-match': '"something-else"' })
  assert.equal(stale.statusCode, 200)
  assert.equal(stale.body, first.body)
  // The request that computes the page compares too (the ETag is a hash of the body, so a
  // client may hold it from an earlier, expired entry).
  const known = `"${createHash('sha1').update('always the same').digest('base64url')}"`
  const computing = await get('/cached/fixed', { 'if-none-match': known })
  assert.equal(computing.statusCode, 304)
  assert.equal(computing.headers.etag, known)
  assert.equal((await get('/cached/fixed')).body, 'always the same', 'and the page was stored')
})

test('HEAD is answered from the GET entry, without a body', async () => {
  const page = await get('/cached?page=head')
  const head = await app.inject({ method: 'HEAD', url: '/cached?page=head' })
  assert.equal(head.statusCode, 200)
  assert.equal(head.body, '')
  assert.equal(head.headers.etag, page.headers.etag)
})

test('Vary is honoured: each value of a varied header is its own entry; Vary: * is never stored', async () => {
  const en = await get('/cached/vary', { 'accept-language': 'en' })
  const fr = await get('/cached/vary', { 'accept-language': 'fr' })
  assert.match(en.body, /^lang=en #/)
  assert.match(fr.body, /^lang=fr #/)
  assert.equal((await get('/cached/vary', { 'accept-language': 'en' })).body, en.body)
  assert.equal((await get('/cached/vary', { 'accept-language': 'fr' })).body, fr.body)
  assert.match((await get('/cached/vary')).body, /^lang=- #/)
  const all1 = await get('/cached/vary-all')
  const all2 = await get('/cached/vary-all')
  assert.notEqual(all1.body, all2.body)
})

test('a response setting a cookie, a private one and an error are never stored', async () => {
  const s1 = await get('/cached/session')
  assert.ok(s1.headers['set-cookie'], 'the handler wrote the session')
  const s2 = await get('/cached/session')
  assert.notEqual(s2.body, s1.body)
  const p1 = await get('/cached/private')
  const p2 = await get('/cached/private')
  assert.notEqual(p1.body, p2.body)
  const e1 = await get('/cached/error')
  const e2 = await get('/cached/error')
  assert.equal(e1.statusCode, 500)
  assert.notEqual(e1.body, e2.body)
})

test('a request with a session cookie or an Authorization header is neither served from nor stored in the cache', async () => {
  const anon = await get('/cached?page=private')
  const withSession = await get('/cached?page=private', { cookie: 'tao_session=abc; other=1' })
  assert.notEqual(withSession.body, anon.body)
  const withAuth = await get('/cached?page=private', { authorization: 'Bearer x' })
  assert.notEqual(withAuth.body, anon.body)
  // ... and what they computed was not stored for the anonymous.
  assert.equal((await get('/cached?page=private')).body, anon.body)
  // Another cookie (not the session) is still anonymous.
  assert.equal((await get('/cached?page=private', { cookie: 'theme=dark' })).body, anon.body)
})

test('binary bodies come back byte for byte', async () => {
  const first = await get('/cached/bytes')
  const second = await get('/cached/bytes')
  assert.deepEqual(second.rawPayload, first.rawPayload)
  assert.equal(second.headers['content-type'], 'application/octet-stream')
})

test('the route cache adds no hook to routes without it', async () => {
  await app.ready()
  const lines = app.fastify.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n')
  const hooksOf = (route: string) => {
    const at = lines.findIndex((l) => l.includes(route))
    assert.ok(at >= 0, route)
    return lines.slice(at + 1, at + 3).join('\n')
  }
  assert.match(hooksOf('/cached (GET)'), /routeCacheLookup\(\)[\s\S]*routeCacheStore\(\)/)
  assert.doesNotMatch(hooksOf('/uncached (GET)'), /routeCache/)
  assert.doesNotMatch(hooksOf('/fragment (GET)'), /routeCache/)
})

test('a HEAD request on a cold page stores nothing (its body is empty), so the next GET gets the page', async () => {
  const head = await app.inject({ method: 'HEAD', url: '/cached?page=cold-head' })
  assert.equal(head.statusCode, 200)
  const page = await get('/cached?page=cold-head')
  assert.match(page.body, /computed #\d+/)
})

test('a bad cache option is refused where the route is declared', async () => {
  const { route, isTaoError } = await import('@tao/core')
  assert.throws(() => route('POST', '/x', () => 'x', { cache: { ttl: '1m' } }), (e: unknown) => isTaoError(e, 'TAO_ERR_ROUTE_CACHE_INVALID') && /only GET and HEAD/.test(e.message))
  assert.throws(() => route('GET', '/x', () => 'x', { cache: { ttl: 'soon' } as never }), (e: unknown) => isTaoError(e, 'TAO_ERR_ROUTE_CACHE_INVALID') && /positive duration/.test(e.message))
})

test('under the debug toolbar pages are not cached (the toolbar is injected into each one)', async () => {
  const dev = await createTestApp({ root: fixture('cache-site'), settings: { debug: true } })
  try {
    const a = await dev.inject('/cached?page=debug')
    const b = await dev.inject('/cached?page=debug')
    assert.notEqual(a.body, b.body)
  } finally {
    await dev.close()
  }
})
