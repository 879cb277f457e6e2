// The raw collection browser: any collection, a filter, documents as Extended JSON, and an
// edit that keeps every BSON type (an unchanged document is byte-for-byte the same).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { BSON, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb'
import type { TestClient } from '@tao/core/testing'
import { adminApp, clientAs } from './helpers.js'

let app: TaoApp
let boss: TestClient
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const editorText = (html: string) => decode(/<textarea id="raw-document"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]!)

before(async () => {
  app = await adminApp()
  boss = await clientAs(app, 'boss', { isSuperuser: true })
})
after(() => app.close())

test('collections are listed and browsed with a filter and range pages', async () => {
  await app.db.collection('notes').insertMany(Array.from({ length: 8 }, (_, i) => ({ n: i, kind: i % 2 === 0 ? 'even' : 'odd' })))
  const list = await boss.get('/admin/_raw/')
  assert.equal(list.statusCode, 200)
  assert.match(list.body, /href="\/admin\/_raw\/notes\/">notes<\/a><\/th><td>8<\/td>/)
  assert.match(list.body, /href="\/admin\/_raw\/admin_log\/"|href="\/admin\/_raw\/auth_users\/"/)
  const odd = await boss.get(`/admin/_raw/notes/?filter=${encodeURIComponent('{"kind": "odd"}')}`)
  assert.equal(odd.statusCode, 200)
  assert.equal([...odd.body.matchAll(/&quot;kind&quot;:&quot;odd&quot;/g)].length, 4)
  const page1 = await boss.get('/admin/_raw/notes/')
  assert.equal([...page1.body.matchAll(/<th scope="row">/g)].length, 5)
  const next = decode(/href="(\?[^"]*)" rel="next"/.exec(page1.body)![1]!)
  const page2 = await boss.get(`/admin/_raw/notes/${next}`)
  assert.equal([...page2.body.matchAll(/<th scope="row">/g)].length, 3)
})

// (An integral Double is not in this document: the embedded store's replaceOne stores it as an
// Int32 whatever the client sends; src/admin/ejson.test.ts shows the editor keeps it a Double.)
test('an edit round-trips ObjectId, Date, Decimal128, Long, Int32 and Double; a changed _id is refused', async () => {
  const ref = new ObjectId()
  const doc = {
    _id: new ObjectId(),
    ref,
    at: new Date('2026-02-03T04:05:06.789Z'),
    price: Decimal128.fromString('1234.5600'),
    views: Long.fromString('9007199254740993'),
    rank: new Int32(3),
    ratio: new Double(1.25),
    label: 'Hello',
  }
  await app.db.collection('things').insertOne(doc)
  const url = `/admin/_raw/things/${doc._id.toHexString()}`
  const before = BSON.serialize((await app.db.collection('things').findOne({ _id: doc._id }, { promoteValues: false }))!)
  const page = await boss.get(url)
  assert.equal(page.statusCode, 200)
  const text = editorText(page.body)
  assert.match(text, /"\$numberDecimal": "1234.5600"/)

  const same = await boss.post(url, { document: text })
  assert.equal(same.statusCode, 303)
  const after1 = BSON.serialize((await app.db.collection('things').findOne({ _id: doc._id }, { promoteValues: false }))!)
  assert.deepEqual(Buffer.from(after1), Buffer.from(before), 'saving the text unchanged changes no byte')

  const edited = await boss.post(url, { document: text.replace('"Hello"', '"Bye"') })
  assert.equal(edited.statusCode, 303)
  const stored = await app.db.collection('things').findOne({ _id: doc._id }, { promoteValues: false })
  assert.equal(stored?.label, 'Bye')
  assert.ok(stored?.price instanceof Decimal128 && stored.price.toString() === '1234.5600')
  assert.ok(stored?.ref instanceof ObjectId && stored.ref.equals(ref))
  assert.deepEqual(stored?.at, doc.at)
  assert.ok(stored?.views instanceof Long && stored.views.toString() === '9007199254740993')
  const log = await app.db.collection('admin_log').findOne({ model: 'raw:things', action: 'change' }, { sort: { at: -1 } })
  assert.deepEqual(log?.fields, ['label'])

  const moved = await boss.post(url, { document: text.replace(doc._id.toHexString(), new ObjectId().toHexString()) })
  assert.equal(moved.statusCode, 200, 'the editor again, with the error and the text')
  assert.match(moved.body, /its _id was changed/)
  const broken = await boss.post(url, { document: '{"label": ' })
  assert.equal(broken.statusCode, 200)
  assert.match(broken.body, /Invalid document: it is not Extended JSON/)
  assert.match(editorText(broken.body), /^\{"label": $/, 'the text typed is kept for fixing')
  const operator = await boss.post(url, { document: '{"$set": {"a": 1}}' })
  assert.match(operator.body, /The database refused the document/)
  assert.equal((await app.db.collection('things').findOne({ _id: doc._id }))?.label, 'Bye')
})
