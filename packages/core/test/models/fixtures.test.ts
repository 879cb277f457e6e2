import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Binary, Decimal128, Long } from 'mongodb'
import { dumpData, loadData, loadDataFile, ObjectId, parseFixture, type TaoError } from '@tao/core'
import { loadFixtures } from '@tao/core/testing'
import { modelsApp } from './helpers.js'

const { Price, Post } = await import('../fixtures/models/apps/blog/models.js')

function tempFile (t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tao-fixture-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'data.json')
  writeFileSync(file, text)
  return file
}

test('dumpdata then loaddata keeps ObjectId, Date, Decimal128, Long, Binary and numbers', async (t) => {
  const source = await modelsApp(t)
  const doc = { amount: Decimal128.fromString('19.90'), views: Long.fromString('9007199254740993'), blob: new Binary(Buffer.from([0, 1, 255])), at: new Date('2026-05-06T07:08:09.010Z'), n: 3, x: 1.5 }
  const { insertedId } = await Price.of(source).insertOne({ ...doc })
  await Post.of(source).insertOne({ title: 'T', slug: 't', at: new Date(0) })
  const text = await dumpData(source, ['blog:prices', 'blog'])
  assert.match(text, /"\$numberDecimal": "19\.90"/)
  assert.match(text, /"\$numberLong": "9007199254740993"/)

  const target = await modelsApp(t)
  const counts = await loadData(target, parseFixture(text, 'dump.json'))
  assert.deepEqual(counts, { 'blog:prices': 1, 'blog:posts': 1, 'blog:tags': 0 })
  const back = await target.db.collection('blog_prices').findOne({ _id: insertedId })
  assert.ok(back?._id instanceof ObjectId)
  assert.ok(back.amount instanceof Decimal128 && back.amount.toString() === '19.90')
  assert.ok(back.views instanceof Long && back.views.toString() === '9007199254740993')
  assert.ok(back.blob instanceof Binary && Buffer.from(back.blob.buffer).equals(Buffer.from([0, 1, 255])))
  assert.ok(back.at instanceof Date && back.at.getTime() === doc.at.getTime())
  assert.equal(back.n, 3)
  assert.equal(back.x, 1.5)
  // Loading again replaces by _id instead of failing or doubling.
  await loadData(target, parseFixture(text, 'dump.json'))
  assert.equal(await target.db.collection('blog_prices').countDocuments(), 1)
})

test('a malformed fixture names the file, line and column; nothing is loaded', async (t) => {
  const app = await modelsApp(t)
  const file = tempFile(t, '{\n  "blog:tags": [\n    { "name": "a" },,\n  ]\n}\n')
  await assert.rejects(loadDataFile(app, file), (err: TaoError) => {
    assert.equal(err.code, 'TAO_ERR_FIXTURE_MALFORMED')
    assert.ok(err.message.startsWith(`Fixture ${file} is not valid at line 3, column 21:`), err.message)
    return true
  })
  assert.throws(() => parseFixture('[1, 2]', 'list.json'), /list\.json is not valid: the top level must be an object of model names/)
  assert.throws(() => parseFixture('{ "blog:tags": { "name": "a" } }', 'obj.json'), /at "blog:tags": each model name must hold an array/)
  await assert.rejects(loadDataFile(app, join(tmpdir(), 'no-such-fixture.json')), /cannot be read \(ENOENT\)/)
})

test('fixture documents are validated against their model: a bad one names file, model, document and field, and loads nothing', async (t) => {
  const app = await modelsApp(t)
  const data = { 'blog:tags': [{ name: 'ok' }], 'blog:posts': [{ title: 'A', slug: 'a', at: { $date: '2026-01-01T00:00:00Z' } }, { title: 'B', slug: 'b', at: 'not a date' }] }
  const file = tempFile(t, JSON.stringify(data))
  await assert.rejects(loadDataFile(app, file), (err: TaoError) =>
    err.code === 'TAO_ERR_FIXTURE_INVALID' && err.message.includes(`Fixture ${file}: document 1 of 'blog:posts' does not match the model: at: Enter a valid date.`))
  assert.equal(await app.db.collection('blog_tags').countDocuments(), 0, 'nothing loaded')
  await assert.rejects(loadData(app, { 'blog:post': [] }, 'x.json'), /Unknown model 'blog:post' in x\.json\. Did you mean 'blog:posts'/)
})

test('loadFixtures (testing helper) loads files and objects', async (t) => {
  const app = await modelsApp(t)
  const file = tempFile(t, '{ "blog:tags": [ { "name": "a" }, { "name": "b" } ] }')
  assert.deepEqual(await loadFixtures(app, file, { 'blog:tags': [{ name: 'c' }] }), { 'blog:tags': 3 })
  assert.equal(await app.db.collection('blog_tags').countDocuments(), 3)
})
