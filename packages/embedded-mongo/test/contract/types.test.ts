import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, UUID, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: BSON types and large writes', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('types'); db = env.db })
  after(async () => { await env.close() })

  it('round-trips ObjectId, Date, Decimal128, Binary, UUID, Long, Timestamp, null, nested docs and arrays', async () => {
    const c = db.collection('roundtrip')
    const doc = {
      _id: new ObjectId(),
      date: new Date('2024-05-06T07:08:09.010Z'),
      price: Decimal128.fromString('12345.6789'),
      bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
      uuid: new UUID('6b023cdf-0f2b-43e2-8b61-f3820000aaaa'),
      big: Long.fromString('9007199254740993'),
      ts: new Timestamp({ t: 1700000000, i: 7 }),
      nothing: null,
      nested: { a: { b: [1, 'two', { three: 3 }] } },
      empty: [],
      bool: false,
      text: 'héllo ✓',
      neg: -42,
      frac: 0.5,
    }
    await c.insertOne(doc)
    const back = await c.findOne({ _id: doc._id }, { promoteLongs: false })
    assert.deepEqual(back?.date, doc.date)
    assert.equal((back?.price as Decimal128).toString(), '12345.6789')
    assert.ok(back?.bin instanceof Binary)
    assert.deepEqual(Buffer.from((back?.bin as Binary).buffer), Buffer.from([0, 1, 2, 255]))
    assert.equal((back?.uuid as Binary).sub_type, 4)
    assert.ok(back?.big instanceof Long)
    assert.equal((back?.big as Long).toString(), '9007199254740993')
    assert.ok((back?.ts as Timestamp).equals(doc.ts))
    assert.equal(back?.nothing, null)
    assert.deepEqual(back?.nested, doc.nested)
    assert.deepEqual(back?.empty, [])
    assert.equal(back?.text, 'héllo ✓')
    assert.deepEqual([back?.bool, back?.neg, back?.frac], [false, -42, 0.5])
  })

  it('keeps doubles, int32 and int64 apart when the client asks for raw values', async () => {
    const c = db.collection('numbers')
    await c.insertOne({ _id: 1 as never, d: new Double(5), i: new Int32(5), l: Long.fromNumber(5) })
    const back = await c.findOne({ _id: 1 as never }, { promoteValues: false })
    assert.ok(back?.d instanceof Double)
    assert.ok(back?.i instanceof Int32)
    assert.ok(back?.l instanceof Long)
  })

  it('queries by ObjectId, Date range and Decimal128 equality', async () => {
    const c = db.collection('typed_queries')
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()]
    await c.insertMany(ids.map((_id, i) => ({ _id, at: new Date(2020, i, 1), amount: Decimal128.fromString(`${i}.50`) })))
    assert.equal((await c.findOne({ _id: new ObjectId(ids[1]?.toHexString()) }))?._id.toHexString(), ids[1]?.toHexString())
    assert.equal(await c.countDocuments({ at: { $gte: new Date(2020, 1, 1) } }), 2)
    assert.equal(await c.countDocuments({ amount: Decimal128.fromString('2.50') }), 1)
    assert.equal(await c.countDocuments({ _id: { $gt: ids[0] } }), 2)
  })

  it('$inc on an Int64 field keeps it Int64 and exact', async () => {
    const c = db.collection('long_counter')
    await c.insertOne({ _id: 1 as never, n: Long.fromString('9007199254740993') })
    await c.updateOne({ _id: 1 as never }, { $inc: { n: Long.fromNumber(2) } })
    const back = await c.findOne({ _id: 1 as never }, { promoteLongs: false })
    assert.equal((back?.n as Long).toString(), '9007199254740995')
  })

  it('inserts more than 48 MB in one insertMany (the driver splits it into messages) and reads it back', async () => {
    const c = db.collection('bulk16')
    const payload = 'x'.repeat(256 * 1024)
    const docs = Array.from({ length: 200 }, (_, i) => ({ i, payload }))
    const res = await c.insertMany(docs)
    assert.equal(res.insertedCount, 200)
    assert.equal(await c.countDocuments(), 200)
    let seen = 0
    for await (const doc of c.find({}, { projection: { i: 1, payload: 1 } })) {
      assert.equal(doc.payload.length, payload.length)
      seen++
    }
    assert.equal(seen, 200)
  })

  it('refuses a document larger than 16 MB', async () => {
    const c = db.collection('too_big')
    await assert.rejects(c.insertOne({ big: 'x'.repeat(16 * 1024 * 1024) }))
  })
})
