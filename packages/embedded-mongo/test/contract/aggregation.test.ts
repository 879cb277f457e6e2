import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ObjectId, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: aggregation', () => {
  let env: ContractDb
  let db: Db
  const alice = new ObjectId()
  const bob = new ObjectId()
  before(async () => {
    env = await openContractDb('aggregation')
    db = env.db
    await db.collection('users').insertMany([{ _id: alice, name: 'alice', city: 'Paris' }, { _id: bob, name: 'bob', city: 'Lyon' }])
    await db.collection('orders').insertMany([
      { user: alice, total: 10, items: ['pen', 'ink'], at: new Date('2024-01-05') },
      { user: alice, total: 30, items: ['book'], at: new Date('2024-02-10') },
      { user: bob, total: 5, items: ['pen'], at: new Date('2024-02-11') },
      { user: bob, total: 50, items: [], at: new Date('2025-03-01') },
    ])
  })
  after(async () => { await env.close() })

  const orders = () => db.collection('orders')

  it('$match and $group with accumulators', async () => {
    const out = await orders().aggregate([
      { $match: { total: { $gte: 10 } } },
      { $group: { _id: '$user', sum: { $sum: '$total' }, n: { $sum: 1 }, max: { $max: '$total' }, avg: { $avg: '$total' } } },
      { $sort: { sum: 1 } },
    ]).toArray()
    assert.deepEqual(out, [
      { _id: alice, sum: 40, n: 2, max: 30, avg: 20 },
      { _id: bob, sum: 50, n: 1, max: 50, avg: 50 },
    ])
  })

  it('$project with expressions, $sort, $skip and $limit', async () => {
    const out = await orders().aggregate([
      { $project: { _id: 0, total: 1, doubled: { $multiply: ['$total', 2] }, year: { $year: '$at' } } },
      { $sort: { total: -1 } },
      { $skip: 1 },
      { $limit: 2 },
    ]).toArray()
    assert.deepEqual(out, [{ total: 30, doubled: 60, year: 2024 }, { total: 10, doubled: 20, year: 2024 }])
  })

  it('$lookup joins on an ObjectId and $unwind flattens', async () => {
    const out = await orders().aggregate([
      { $match: { total: 30 } },
      { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'buyer' } },
      { $unwind: '$buyer' },
      { $project: { _id: 0, total: 1, name: '$buyer.name' } },
    ]).toArray()
    assert.deepEqual(out, [{ total: 30, name: 'alice' }])
  })

  it('$unwind of an array field, with preserveNullAndEmptyArrays', async () => {
    const plain = await orders().aggregate([{ $unwind: '$items' }, { $count: 'n' }]).toArray()
    assert.deepEqual(plain, [{ n: 4 }])
    const kept = await orders().aggregate([{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true } }, { $count: 'n' }]).toArray()
    assert.deepEqual(kept, [{ n: 5 }])
  })

  it('$count and $facet', async () => {
    const [facets] = await orders().aggregate([
      { $facet: { cheap: [{ $match: { total: { $lt: 20 } } }, { $count: 'n' }], byYear: [{ $group: { _id: { $year: '$at' }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }] } },
    ]).toArray()
    assert.deepEqual(facets, { cheap: [{ n: 2 }], byYear: [{ _id: 2024, n: 3 }, { _id: 2025, n: 1 }] })
  })

  it('$addFields, $set, $unset, $replaceRoot', async () => {
    const out = await orders().aggregate([
      { $match: { total: 5 } },
      { $addFields: { info: { t: '$total', count: { $size: '$items' } } } },
      { $set: { big: { $gt: ['$total', 100] } } },
      { $unset: ['items'] },
      { $replaceRoot: { newRoot: { $mergeObjects: ['$info', { big: '$big' }] } } },
    ]).toArray()
    assert.deepEqual(out, [{ t: 5, count: 1, big: false }])
  })

  it('$group by null and $push / $addToSet', async () => {
    const [all] = await orders().aggregate([
      { $unwind: '$items' },
      { $group: { _id: null, items: { $addToSet: '$items' }, seq: { $push: '$total' } } },
    ]).toArray()
    assert.deepEqual([...(all?.items as string[])].sort(), ['book', 'ink', 'pen'])
    assert.equal((all?.seq as number[]).length, 4)
  })

  it('$sortByCount and $bucket', async () => {
    const byCount = await orders().aggregate([{ $unwind: '$items' }, { $sortByCount: '$items' }, { $limit: 1 }]).toArray()
    assert.deepEqual(byCount, [{ _id: 'pen', count: 2 }])
    const buckets = await orders().aggregate([{ $bucket: { groupBy: '$total', boundaries: [0, 20, 100], default: 'other' } }]).toArray()
    assert.deepEqual(buckets, [{ _id: 0, count: 2 }, { _id: 20, count: 2 }])
  })

  it('honours cursor batchSize with getMore', async () => {
    const c = db.collection('agg_batches')
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })))
    const cursor = c.aggregate([{ $sort: { i: -1 } }], { batchSize: 4 })
    const docs = await cursor.toArray()
    assert.equal(docs.length, 30)
    assert.equal(docs[0]?.i, 29)
  })

  it('countDocuments with a filter, skip and limit', async () => {
    assert.equal(await orders().countDocuments({ total: { $gt: 5 } }), 3)
    assert.equal(await orders().countDocuments({}, { skip: 1, limit: 2 }), 2)
  })

  it('$out writes the results into a collection', async () => {
    await orders().aggregate([{ $group: { _id: '$user', total: { $sum: '$total' } } }, { $out: 'totals' }]).toArray()
    const totals = await db.collection('totals').find().sort({ total: 1 }).toArray()
    assert.deepEqual(totals.map((t) => t.total), [40, 55])
  })
})
