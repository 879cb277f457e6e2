// The cache API (issue #18): req.cache / app.cache() namespaced per project and app, values kept
// as Extended JSON, wrap()'s stampede guard; a real Fastify server, the memory backend.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { isTaoError, type TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
before(async () => { app = await createTestApp({ root: fixture('cache-site') }) })
after(async () => { await app.close() })

test('req.cache is the cache of the route\'s app: keys are namespaced per project and app', async () => {
  await app.inject('/values?set=shared&n=7')
  assert.deepEqual((await app.inject('/values?get=shared')).json(), { value: { n: 7 } })
  // The same key from another app's route is another entry.
  assert.deepEqual((await app.inject('/other/values?get=shared')).json(), { namespace: 'tao:tao:cache:other:', value: null })
  // app.cache('pages') is what the pages routes see.
  assert.deepEqual(await app.cache('pages').get('shared'), { n: 7 })
  assert.equal(app.cache('pages').namespace, 'tao:tao:cache:pages:')
  assert.equal(app.cache().namespace, 'tao:tao:cache::')
  assert.equal(app.cache('pages').backend, 'memory')
  assert.throws(() => app.cache('pagse'), (e: unknown) => isTaoError(e, 'TAO_ERR_APP_NOT_FOUND') && /Did you mean 'pages'/.test(e.message))
})

test('delete removes; ttl expires; values come back as copies with their Dates and ObjectIds', async () => {
  const cache = app.cache('pages')
  const value = { list: [1, 'two', null], at: new Date('2026-01-02T03:04:05Z') }
  await cache.set('doc', value, '1m')
  const back = await cache.get<typeof value>('doc')
  assert.deepEqual(back, value)
  assert.ok(back!.at instanceof Date)
  back!.list.push(4)
  assert.deepEqual((await cache.get<typeof value>('doc'))!.list, [1, 'two', null], 'a read is a copy')
  await app.inject('/delete?key=doc')
  assert.equal(await cache.get('doc'), undefined)
  await cache.set('brief', 1, 30)
  assert.equal(await cache.get('brief'), 1)
  await new Promise((resolve) => setTimeout(resolve, 60))
  assert.equal(await cache.get('brief'), undefined)
})

test('wrap computes once per key however many requests ask at the same time (stampede guard)', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject('/wrap?key=stampede')))
  const bodies = answers.map((r) => r.json() as { calls: number, namespace: string, dateIsDate: boolean, idIsObjectId: boolean })
  const calls = new Set(bodies.map((b) => b.calls))
  assert.equal(calls.size, 1, `one computation for 20 concurrent requests, got ${[...calls].join(', ')}`)
  assert.deepEqual(bodies[0], { namespace: 'tao:tao:cache:pages:', calls: bodies[0]!.calls, dateIsDate: true, idIsObjectId: true })
  // Later requests hit the stored value; another key computes again.
  assert.equal((await app.inject('/wrap?key=stampede')).json().calls, bodies[0]!.calls)
  assert.equal((await app.inject('/wrap?key=another')).json().calls, bodies[0]!.calls + 1)
})

test('wrap: an error reaches every waiting caller and nothing is stored; undefined is returned, not stored', async () => {
  const cache = app.cache('pages')
  let runs = 0
  const failing = () => cache.wrap('fails', '1m', async () => { runs++; await new Promise((resolve) => setTimeout(resolve, 20)); throw new Error('boom') })
  const results = await Promise.allSettled([failing(), failing(), failing()])
  assert.equal(runs, 1)
  assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'boom'))
  await assert.rejects(failing(), /boom/)
  assert.equal(runs, 2, 'the next call computes again')
  assert.equal(await cache.wrap('nothing', '1m', () => undefined), undefined)
  assert.equal(await cache.get('nothing'), undefined)
})

test('bad keys, lifetimes and values are TaoErrors that say how to fix them', async () => {
  const cache = app.cache('pages')
  await assert.rejects(cache.get(''), (e: unknown) => isTaoError(e, 'TAO_ERR_CACHE_KEY_INVALID') && /non-empty strings/.test(e.message))
  await assert.rejects(cache.set('k', 1, 'soon'), (e: unknown) => isTaoError(e, 'TAO_ERR_CACHE_TTL_INVALID') && /'30s'/.test(e.message))
  await assert.rejects(cache.set('k', undefined), (e: unknown) => isTaoError(e, 'TAO_ERR_CACHE_VALUE_INVALID') && /undefined/.test(e.message))
  const loop: Record<string, unknown> = {}
  loop.self = loop
  await assert.rejects(cache.set('k', loop), (e: unknown) => isTaoError(e, 'TAO_ERR_CACHE_VALUE_INVALID') && /Extended JSON/.test(e.message))
})

test('the memory backend is bounded: a flood of keys evicts the least recently used', async () => {
  const { MemoryBackend } = await import('@tao/core')
  const small = new MemoryBackend(10_000)
  for (let i = 0; i < 1000; i++) await small.set(`key-${i}`, 'x'.repeat(100), 0)
  assert.ok(small.size < 100, `held ${small.size} entries in 10 kB`)
  assert.equal(await small.get('key-999'), 'x'.repeat(100))
  assert.equal(await small.get('key-0'), undefined)
  // One entry may not take more than a quarter of the cache.
  await small.set('huge', 'x'.repeat(5000), 0)
  assert.equal(await small.get('huge'), undefined)
})
