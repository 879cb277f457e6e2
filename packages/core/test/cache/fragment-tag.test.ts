// The {% cache %} template tag (issue #18): real Nunjucks templates of a fixture project.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
before(async () => { app = await createTestApp({ root: fixture('cache-site') }) })
after(async () => { await app.close() })

const inside = (body: string) => /<p>inside (\d+) for (\w*) /.exec(body)
const outside = (body: string) => Number(/<p>outside (\d+)<\/p>/.exec(body)![1])

test('a fragment is rendered once per key and vary values, the rest of the page every time', async () => {
  const a1 = (await app.inject('/fragment?user=ann')).body
  const a2 = (await app.inject('/fragment?user=ann')).body
  const b1 = (await app.inject('/fragment?user=bob')).body
  assert.equal(inside(a2)![1], inside(a1)![1], 'the fragment came from the cache')
  assert.ok(outside(a2) > outside(a1), 'the page around it was rendered again')
  assert.notEqual(inside(b1)![1], inside(a1)![1], 'another vary value is another fragment')
  assert.equal(inside(b1)![2], 'bob')
  // The cached HTML is inserted as is (it was escaped when rendered), never escaped twice.
  assert.match(a2, /&amp; <b>&lt;i&gt;<\/b>/)
})

test('a fragment expires after its lifetime (a duration string works too)', async () => {
  const short = (body: string) => Number(/<p>short (\d+)<\/p>/.exec(body)![1])
  const first = short((await app.inject('/fragment?user=x')).body)
  assert.equal(short((await app.inject('/fragment?user=x')).body), first)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  assert.ok(short((await app.inject('/fragment?user=x')).body) > first)
})

test('a bad tag is a TaoError naming the fix', () => {
  assert.throws(() => app.render('pages:bad-tag'), (e: { code?: string, message: string }) => e.code === 'TAO_ERR_CACHE_TAG_INVALID' && /lifetime in seconds/.test(e.message))
})
