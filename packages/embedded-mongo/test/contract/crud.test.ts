import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoBulkWriteError, MongoServerError, ObjectId, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: CRUD', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('crud'); db = env.db })
  after(async () => { await env.close() })

  it('insertOne generates an ObjectId _id and findOne returns the document with _id first', async () => {
    const c = db.collection('insert_one')
    const res = await c.insertOne({ name: 'ada', age: 36 })
    assert.ok(res.insertedId instanceof ObjectId)
    const doc = await c.findOne({ name: 'ada' })
    assert.deepEqual(doc, { _id: res.insertedId, name: 'ada', age: 36 })
    assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'name', 'age'])
  })

  it('keeps a client-chosen _id of any type', async () => {
    const c = db.collection('custom_ids')
    await c.insertMany([{ _id: 'str' as never, v: 1 }, { _id: 7 as never, v: 2 }, { _id: { a: 1, b: 2 } as never, v: 3 }])
    assert.equal((await c.findOne({ _id: 'str' as never }))?.v, 1)
    assert.equal((await c.findOne({ _id: 7 as never }))?.v, 2)
    assert.equal((await c.findOne({ _id: { a: 1, b: 2 } as never }))?.v, 3)
  })

  it('insertMany returns every id and documents come back in insertion order', async () => {
    const c = db.collection('insert_many')
    const res = await c.insertMany([{ i: 1 }, { i: 2 }, { i: 3 }])
    assert.equal(res.insertedCount, 3)
    const docs = await c.find().toArray()
    assert.deepEqual(docs.map((d) => d.i), [1, 2, 3])
    assert.deepEqual(docs.map((d) => d._id), [res.insertedIds[0], res.insertedIds[1], res.insertedIds[2]])
  })

  it('rejects a duplicate _id with E11000 on the _id_ index', async () => {
    const c = db.collection('dup_id')
    await c.insertOne({ _id: 1 as never })
    await assert.rejects(c.insertOne({ _id: 1 as never }), (err: MongoServerError) => {
      assert.equal(err.code, 11000)
      assert.match(err.message, /E11000 duplicate key error collection: .*\.dup_id index: _id_ dup key: \{ _id: 1 \}/)
      assert.deepEqual(err.keyValue, { _id: 1 })
      return true
    })
  })

  it('ordered insertMany stops at the first error and reports its index', async () => {
    const c = db.collection('ordered')
    await assert.rejects(c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }] as never[]), (err: MongoBulkWriteError) => {
      assert.equal(err.result.insertedCount, 2)
      assert.equal(err.writeErrors instanceof Array ? err.writeErrors[0]?.index : (err.writeErrors as { index: number }).index, 2)
      return true
    })
    assert.equal(await c.countDocuments(), 2)
  })

  it('unordered insertMany goes on after an error', async () => {
    const c = db.collection('unordered')
    await assert.rejects(c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }] as never[], { ordered: false }), (err: MongoBulkWriteError) => {
      assert.equal(err.result.insertedCount, 3)
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]
      assert.deepEqual(errors.map((e) => e.index), [1, 3])
      assert.deepEqual(errors.map((e) => e.code), [11000, 11000])
      return true
    })
    assert.equal(await c.countDocuments(), 3)
  })

  it('updateOne with $set changes one document and reports counts', async () => {
    const c = db.collection('update_one')
    await c.insertMany([{ k: 1, v: 0 }, { k: 1, v: 0 }])
    const res = await c.updateOne({ k: 1 }, { $set: { v: 5 } })
    assert.equal(res.matchedCount, 1)
    assert.equal(res.modifiedCount, 1)
    assert.equal(await c.countDocuments({ v: 5 }), 1)
  })

  it('an update that changes nothing matches but does not modify', async () => {
    const c = db.collection('noop_update')
    await c.insertOne({ k: 1, v: 5 })
    const res = await c.updateOne({ k: 1 }, { $set: { v: 5 } })
    assert.equal(res.matchedCount, 1)
    assert.equal(res.modifiedCount, 0)
  })

  it('updateMany changes every match', async () => {
    const c = db.collection('update_many')
    await c.insertMany([{ g: 'a' }, { g: 'a' }, { g: 'b' }])
    const res = await c.updateMany({ g: 'a' }, { $set: { seen: true } })
    assert.equal(res.matchedCount, 2)
    assert.equal(res.modifiedCount, 2)
    assert.equal(await c.countDocuments({ seen: true }), 2)
  })

  it('replaceOne replaces the whole document but keeps _id', async () => {
    const c = db.collection('replace')
    const { insertedId } = await c.insertOne({ a: 1, b: 2 })
    await c.replaceOne({ _id: insertedId }, { c: 3 })
    assert.deepEqual(await c.findOne({ _id: insertedId }), { _id: insertedId, c: 3 })
  })

  it('refuses an update that changes _id (code 66)', async () => {
    const c = db.collection('immutable_id')
    await c.insertOne({ _id: 1 as never })
    await assert.rejects(c.updateOne({ _id: 1 as never }, { $set: { _id: 2 } }), (err: MongoServerError) => {
      assert.equal(err.code, 66)
      assert.match(err.message, /immutable field '_id'/)
      return true
    })
  })

  it('refuses an unknown update operator (code 9)', async () => {
    const c = db.collection('bad_operator')
    await c.insertOne({ a: 1 })
    await assert.rejects(c.updateOne({}, { $frobnicate: { a: 1 } } as never), (err: MongoServerError) => {
      assert.equal(err.code, 9)
      assert.match(err.message, /Unknown modifier: \$frobnicate/)
      return true
    })
  })

  it('deleteOne removes one match and deleteMany the rest', async () => {
    const c = db.collection('delete')
    await c.insertMany([{ x: 1 }, { x: 1 }, { x: 1 }, { x: 2 }])
    assert.equal((await c.deleteOne({ x: 1 })).deletedCount, 1)
    assert.equal((await c.deleteMany({ x: 1 })).deletedCount, 2)
    assert.deepEqual((await c.find({}, { projection: { _id: 0 } }).toArray()), [{ x: 2 }])
  })

  it('deleteMany with an empty filter empties the collection', async () => {
    const c = db.collection('delete_all')
    await c.insertMany([{ x: 1 }, { x: 2 }])
    assert.equal((await c.deleteMany({})).deletedCount, 2)
    assert.equal(await c.countDocuments(), 0)
  })

  it('bulkWrite mixes inserts, updates, upserts and deletes', async () => {
    const c = db.collection('bulk')
    const res = await c.bulkWrite([
      { insertOne: { document: { _id: 1, v: 1 } } },
      { insertOne: { document: { _id: 2, v: 2 } } },
      { updateOne: { filter: { _id: 1 }, update: { $inc: { v: 10 } } } },
      { updateOne: { filter: { _id: 9 }, update: { $set: { v: 9 } }, upsert: true } },
      { deleteOne: { filter: { _id: 2 } } },
      { replaceOne: { filter: { _id: 1 }, replacement: { v: 100 } } },
    ] as never[])
    assert.equal(res.insertedCount, 2)
    assert.equal(res.matchedCount, 2)
    assert.equal(res.upsertedCount, 1)
    assert.equal(res.deletedCount, 1)
    assert.deepEqual(await c.find().sort({ _id: 1 }).toArray(), [{ _id: 1, v: 100 }, { _id: 9, v: 9 }])
  })

  it('accepts unacknowledged (w: 0) writes', async () => {
    const c = db.collection('w0')
    const res = await c.insertOne({ k: 'fire-and-forget' }, { writeConcern: { w: 0 } })
    assert.equal(res.acknowledged, false)
    let found = null
    for (let i = 0; i < 50 && found === null; i++) {
      found = await c.findOne({ k: 'fire-and-forget' })
      if (found === null) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.equal(found?.k, 'fire-and-forget')
  })

  it('finds by _id with $in', async () => {
    const c = db.collection('by_ids')
    const { insertedIds } = await c.insertMany([{ n: 0 }, { n: 1 }, { n: 2 }])
    const docs = await c.find({ _id: { $in: [insertedIds[0] as ObjectId, insertedIds[2] as ObjectId] } }).toArray()
    assert.deepEqual(docs.map((d) => d.n).sort(), [0, 2])
  })

  it('query operators: comparison, logical, element, array, regex, $expr', async () => {
    const c = db.collection('query_ops')
    await c.insertMany([
      { n: 1, s: 'apple', tags: ['a', 'b'], sub: { x: 1 } },
      { n: 5, s: 'Banana', tags: ['b'], sub: { x: 2 } },
      { n: 9, s: 'cherry', tags: [], extra: null },
    ])
    const names = async (filter: object): Promise<string[]> => (await c.find(filter).toArray()).map((d) => d.s as string).sort()
    assert.deepEqual(await names({ n: { $gt: 1, $lte: 9 } }), ['Banana', 'cherry'])
    assert.deepEqual(await names({ $or: [{ n: 1 }, { s: 'cherry' }] }), ['apple', 'cherry'])
    assert.deepEqual(await names({ n: { $nin: [1, 5] } }), ['cherry'])
    assert.deepEqual(await names({ extra: { $exists: true } }), ['cherry'])
    assert.deepEqual(await names({ extra: null }), ['Banana', 'apple', 'cherry'])
    assert.deepEqual(await names({ tags: 'b' }), ['Banana', 'apple'])
    assert.deepEqual(await names({ tags: { $all: ['a', 'b'] } }), ['apple'])
    assert.deepEqual(await names({ tags: { $size: 0 } }), ['cherry'])
    assert.deepEqual(await names({ s: { $regex: '^b', $options: 'i' } }), ['Banana'])
    assert.deepEqual(await names({ s: /an/ }), ['Banana'])
    assert.deepEqual(await names({ 'sub.x': 2 }), ['Banana'])
    assert.deepEqual(await names({ $expr: { $gt: ['$n', 4] } }), ['Banana', 'cherry'])
    assert.deepEqual(await names({ n: { $not: { $gt: 1 } } }), ['apple'])
    assert.deepEqual(await names({ n: { $type: 'int' } }), ['Banana', 'apple', 'cherry'])
  })

  it('matches array elements with $elemMatch', async () => {
    const c = db.collection('elem_match')
    await c.insertMany([{ k: 1, items: [{ q: 1, p: 5 }, { q: 9, p: 1 }] }, { k: 2, items: [{ q: 9, p: 9 }] }])
    const docs = await c.find({ items: { $elemMatch: { q: 9, p: { $gt: 5 } } } }).toArray()
    assert.deepEqual(docs.map((d) => d.k), [2])
  })
})
