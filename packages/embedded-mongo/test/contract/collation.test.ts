import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoServerError, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

const CI = { locale: 'en', strength: 2 }

describe('contract: collation', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('collation'); db = env.db })
  after(async () => { await env.close() })

  it('matches case-insensitively in find, count and delete with strength 2', async () => {
    const c = db.collection('ci')
    await c.insertMany([{ name: 'Ada' }, { name: 'ada' }, { name: 'ADA' }, { name: 'Bob' }, { name: 'Ádá' }])
    assert.equal((await c.find({ name: 'ada' }).toArray()).length, 1)
    assert.equal((await c.find({ name: 'ada' }, { collation: CI }).toArray()).length, 3)
    assert.equal(await c.countDocuments({ name: 'ada' }, { collation: CI }), 3)
    assert.equal(await c.countDocuments({ name: { $in: ['ada', 'bob'] } }, { collation: CI }), 4)
    // Strength 1 also ignores accents.
    assert.equal(await c.countDocuments({ name: 'ada' }, { collation: { locale: 'en', strength: 1 } }), 4)
    const del = await c.deleteMany({ name: 'ADA', _id: { $exists: true } }, { collation: CI })
    assert.equal(del.deletedCount, 3)
    assert.deepEqual((await c.find({}, { projection: { _id: 0 } }).toArray()).map((d) => d.name).sort(), ['Bob', 'Ádá'])
  })

  it('a case-insensitive deleteMany deletes both spellings (the issue\'s example)', async () => {
    const c = db.collection('ci_delete')
    await c.insertMany([{ tag: 'News' }, { tag: 'news' }, { tag: 'sport' }])
    assert.equal((await c.deleteMany({ tag: 'NEWS' }, { collation: CI })).deletedCount, 2)
  })

  it('updates and findOneAndUpdate under a collation', async () => {
    const c = db.collection('ci_update')
    await c.insertMany([{ k: 'X', v: 0 }, { k: 'x', v: 0 }, { k: 'y', v: 0 }])
    assert.equal((await c.updateMany({ k: 'x' }, { $inc: { v: 1 } }, { collation: CI })).modifiedCount, 2)
    const doc = await c.findOneAndUpdate({ k: 'Y' }, { $set: { v: 5 } }, { collation: CI, returnDocument: 'after' })
    assert.equal(doc?.v, 5)
  })

  it('sorts strings with the locale, numericOrdering and ranges', async () => {
    const c = db.collection('ci_sort')
    await c.insertMany([{ s: 'b' }, { s: 'B' }, { s: 'a' }, { s: 'C' }, { s: 'item10' }, { s: 'item9' }])
    const simple = (await c.find({}).sort({ s: 1 }).toArray()).map((d) => d.s)
    assert.deepEqual(simple, ['B', 'C', 'a', 'b', 'item10', 'item9'])
    const en = (await c.find({}, { collation: { locale: 'en' } }).sort({ s: 1 }).toArray()).map((d) => d.s)
    assert.deepEqual(en, ['a', 'b', 'B', 'C', 'item10', 'item9'])
    const numeric = (await c.find({ s: /^item/ }, { collation: { locale: 'en', numericOrdering: true } }).sort({ s: 1 }).toArray()).map((d) => d.s)
    assert.deepEqual(numeric, ['item9', 'item10'])
    assert.equal(await c.countDocuments({ s: { $gte: 'b', $lt: 'c' } }, { collation: CI }), 2)
  })

  it('aggregate and distinct honour the collation', async () => {
    const c = db.collection('ci_agg')
    await c.insertMany([{ city: 'Paris' }, { city: 'paris' }, { city: 'Oslo' }])
    const grouped = await c.aggregate([{ $match: { city: 'PARIS' } }, { $count: 'n' }], { collation: CI }).toArray()
    assert.deepEqual(grouped, [{ n: 2 }])
    const sorted = await c.aggregate([{ $sort: { city: -1 } }, { $project: { _id: 0, city: 1 } }], { collation: { locale: 'en' } }).toArray()
    assert.deepEqual(sorted.map((d) => d.city), ['Paris', 'paris', 'Oslo'])
    const values = await c.distinct('city', {}, { collation: CI })
    assert.equal(values.length, 2)
    assert.equal((await c.distinct('city')).length, 3)
  })

  it('a case-insensitive unique index refuses a second spelling, and serves queries with its collation', async () => {
    const c = db.collection('ci_unique')
    await c.createIndex({ email: 1 }, { unique: true, collation: CI, name: 'email_ci' })
    await c.insertOne({ email: 'Ada@Example.com' })
    await assert.rejects(c.insertOne({ email: 'ada@example.com' }), (err: MongoServerError) => {
      assert.equal(err.code, 11000)
      return true
    })
    assert.equal((await c.findOne({ email: 'ADA@EXAMPLE.COM' }, { collation: CI }))?.email, 'Ada@Example.com')
    // Without the collation, equality stays binary.
    assert.equal(await c.findOne({ email: 'ADA@EXAMPLE.COM' }), null)
    const [, spec] = await c.listIndexes().toArray()
    assert.equal(spec?.collation?.locale, 'en')
    assert.equal(spec?.collation?.strength, 2)
  })

  it('an index or the _id index with another collation does not narrow a query with a collation', async () => {
    const c = db.collection('ci_simple_index')
    await c.createIndex({ email: 1 }, { unique: true })
    await c.insertMany([{ _id: 'abc', email: 'Ada@Example.com' }, { _id: 'other', email: 'bob@example.com' }] as never[])
    assert.equal((await c.find({ email: 'ada@example.com' }, { collation: CI }).toArray()).length, 1)
    assert.equal((await c.find({ _id: 'ABC' as never }, { collation: CI }).toArray()).length, 1)
    assert.equal((await c.find({ _id: 'ABC' as never }).toArray()).length, 0)
    // A binary unique index still tells the spellings apart.
    await c.insertOne({ email: 'ada@example.com' })
  })

  it('a collection\'s default collation applies to its queries and indexes; simple overrides it', async () => {
    await db.createCollection('ci_default', { collation: CI })
    const c = db.collection('ci_default')
    await c.insertMany([{ w: 'Hello' }, { w: 'hello' }])
    assert.equal(await c.countDocuments({ w: 'HELLO' }), 2)
    assert.equal(await c.countDocuments({ w: 'HELLO' }, { collation: { locale: 'simple' } }), 0)
    await c.createIndex({ w: 1 })
    const idx = (await c.listIndexes().toArray()).find((i) => i.name === 'w_1')
    assert.equal(idx?.collation?.strength, 2)
  })

  it('refuses an invalid collation with MongoDB\'s error', async () => {
    const c = db.collection('ci_invalid')
    await c.insertOne({ a: 1 })
    await assert.rejects(c.find({}, { collation: { locale: 'no_such_locale_xx' } }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 2)
      assert.equal(err.codeName, 'BadValue')
      assert.match(err.message, /locale/)
      return true
    })
    await assert.rejects(c.find({}, { collation: { locale: 'en', strength: 9 } as never }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 2)
      assert.match(err.message, /strength/)
      return true
    })
    await assert.rejects(c.find({}, { collation: { strength: 2 } as never }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 40414)
      return true
    })
  })

  it('refuses, never approximates, what the embedded store cannot honour', { skip: process.env.TAO_TEST_MONGODB_URL !== undefined && process.env.TAO_TEST_MONGODB_URL !== '' }, async () => {
    const c = db.collection('ci_unsupported')
    await assert.rejects(c.find({}, { collation: { locale: 'en', strength: 4 } }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 2)
      assert.match(err.message, /strength.*not supported by the embedded database/)
      return true
    })
    await assert.rejects(c.find({}, { collation: { locale: 'fr', backwards: true } }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 2)
      return true
    })
  })
})
