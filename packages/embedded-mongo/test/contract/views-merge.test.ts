import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoServerError, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: views, $merge and $out', () => {
  let env: ContractDb
  let db: Db
  before(async () => {
    env = await openContractDb('views')
    db = env.db
    await db.collection('orders').insertMany([
      { _id: 1, item: 'pen', qty: 2, status: 'A' },
      { _id: 2, item: 'ink', qty: 7, status: 'B' },
      { _id: 3, item: 'pad', qty: 4, status: 'A' },
      { _id: 4, item: 'pen', qty: 1, status: 'A' },
    ] as never[])
  })
  after(async () => { await env.close() })

  it('a view is listed as a view and queried like a collection', async () => {
    await db.createCollection('active', { viewOn: 'orders', pipeline: [{ $match: { status: 'A' } }, { $project: { status: 0 } }] })
    const info = await db.listCollections({ name: 'active' }).toArray()
    assert.equal(info[0]?.type, 'view')
    assert.deepEqual((info[0] as { options?: unknown } | undefined)?.options, { viewOn: 'orders', pipeline: [{ $match: { status: 'A' } }, { $project: { status: 0 } }] })
    const v = db.collection('active')
    const docs = await v.find({ qty: { $gte: 2 } }).sort({ qty: -1 }).toArray()
    assert.deepEqual(docs, [{ _id: 3, item: 'pad', qty: 4 }, { _id: 1, item: 'pen', qty: 2 }])
    assert.equal(await v.countDocuments(), 3)
    assert.deepEqual((await v.distinct('item')).sort(), ['pad', 'pen'])
    const agg = await v.aggregate([{ $group: { _id: '$item', n: { $sum: '$qty' } } }, { $sort: { _id: 1 } }]).toArray()
    assert.deepEqual(agg, [{ _id: 'pad', n: 4 }, { _id: 'pen', n: 3 }])
    assert.deepEqual(await v.findOne({ _id: 4 as never }, { projection: { item: 1 } }), { _id: 4, item: 'pen' })
  })

  it('a view follows its source and can be defined on another view', async () => {
    await db.createCollection('active_pens', { viewOn: 'active', pipeline: [{ $match: { item: 'pen' } }] })
    assert.equal(await db.collection('active_pens').countDocuments(), 2)
    await db.collection('orders').insertOne({ _id: 5, item: 'pen', qty: 3, status: 'A' } as never)
    assert.equal(await db.collection('active_pens').countDocuments(), 3)
    await db.collection('orders').deleteOne({ _id: 5 as never })
  })

  it('a view is read-only: writes are refused with 166 CommandNotSupportedOnView', async () => {
    const v = db.collection('active')
    for (const write of [
      () => v.insertOne({ x: 1 }),
      () => v.updateOne({}, { $set: { x: 1 } }),
      () => v.deleteMany({}),
      () => v.createIndex({ x: 1 }),
      () => v.findOneAndUpdate({}, { $set: { x: 1 } }),
    ]) {
      await assert.rejects(write(), (err: MongoServerError) => {
        assert.equal(err.code, 166)
        assert.equal(err.codeName, 'CommandNotSupportedOnView')
        return true
      })
    }
    assert.equal(await db.collection('orders').countDocuments(), 4)
  })

  it('$out replaces a collection of the same database with the results', async () => {
    await db.collection('totals').insertOne({ stale: true })
    await db.collection('orders').aggregate([{ $group: { _id: '$item', qty: { $sum: '$qty' } } }, { $out: 'totals' }]).toArray()
    const totals = await db.collection('totals').find().sort({ _id: 1 }).toArray()
    assert.deepEqual(totals, [{ _id: 'ink', qty: 7 }, { _id: 'pad', qty: 4 }, { _id: 'pen', qty: 3 }])
  })

  it('$merge inserts, merges and keeps by its on field, with whenMatched and whenNotMatched', async () => {
    const target = db.collection('stock')
    await target.insertMany([{ _id: 'pen', qty: 100, shelf: 'A1' }, { _id: 'cup', qty: 9 }] as never[])
    await db.collection('orders').aggregate([{ $group: { _id: '$item', qty: { $sum: '$qty' } } }, { $merge: { into: 'stock' } }]).toArray()
    assert.deepEqual(await target.find().sort({ _id: 1 }).toArray(), [
      { _id: 'cup', qty: 9 }, { _id: 'ink', qty: 7 }, { _id: 'pad', qty: 4 }, { _id: 'pen', qty: 3, shelf: 'A1' },
    ])
    await db.collection('orders').aggregate([
      { $group: { _id: '$item', qty: { $sum: '$qty' } } },
      { $merge: { into: 'stock', whenMatched: [{ $set: { qty: { $add: ['$qty', '$$new.qty'] } } }], whenNotMatched: 'discard' } },
    ]).toArray()
    assert.equal((await target.findOne({ _id: 'pen' as never }))?.qty, 6)
    await assert.rejects(db.collection('orders').aggregate([{ $group: { _id: '$item' } }, { $merge: { into: 'stock', whenMatched: 'fail', whenNotMatched: 'discard', on: '_id' } }]).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 11000)
      return true
    })
  })

  it('$merge on fields other than _id needs a unique index on them', async () => {
    await assert.rejects(db.collection('orders').aggregate([{ $merge: { into: 'by_item', on: 'item' } }]).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 51183)
      return true
    })
    await db.collection('by_item').createIndex({ item: 1 }, { unique: true })
    await db.collection('orders').aggregate([{ $group: { _id: null, item: { $first: 'pen' }, n: { $sum: 1 } } }, { $project: { _id: 0 } }, { $merge: { into: 'by_item', on: 'item' } }]).toArray()
    assert.equal((await db.collection('by_item').findOne({ item: 'pen' }))?.n, 4)
  })

  it('$out and $merge must be the last stage (40601)', async () => {
    await assert.rejects(db.collection('orders').aggregate([{ $out: 'x' }, { $match: {} }]).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 40601)
      return true
    })
  })
})
