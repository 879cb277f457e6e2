import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Timestamp, type Collection, type Db, type Document, type MongoServerError } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: update operators', () => {
  let env: ContractDb
  let db: Db
  let n = 0
  before(async () => { env = await openContractDb('updates'); db = env.db })
  after(async () => { await env.close() })

  // Inserts `doc`, applies `update` (and options) to it, returns the document without _id.
  async function apply (doc: Document, update: Document | Document[], options: Document = {}): Promise<Document | null> {
    const c: Collection = db.collection(`u${n++}`)
    await c.insertOne({ _id: 1 as never, ...doc })
    await c.updateOne({ _id: 1 as never, ...(options.filter as Document ?? {}) }, update, options)
    return await c.findOne({ _id: 1 as never }, { projection: { _id: 0 } })
  }

  it('$set sets top-level and embedded fields, creating paths', async () => {
    assert.deepEqual(await apply({ a: 1 }, { $set: { a: 2, 'b.c.d': 3 } }), { a: 2, b: { c: { d: 3 } } })
  })

  it('$unset removes fields', async () => {
    assert.deepEqual(await apply({ a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': '' } }), { b: { d: 2 } })
  })

  it('$inc adds, creating missing fields, with negative and fractional steps', async () => {
    assert.deepEqual(await apply({ a: 1, b: 10 }, { $inc: { a: 2, b: -2.5, c: 1 } }), { a: 3, b: 7.5, c: 1 })
  })

  it('$inc on a non-numeric field fails with TypeMismatch (14)', async () => {
    const c = db.collection(`u${n++}`)
    await c.insertOne({ _id: 1 as never, a: 'text' })
    await assert.rejects(c.updateOne({ _id: 1 as never }, { $inc: { a: 1 } }), (err: MongoServerError) => {
      assert.equal(err.code, 14)
      assert.match(err.message, /Cannot apply \$inc to a value of non-numeric type/)
      return true
    })
  })

  it('$mul multiplies, and sets 0 on missing fields', async () => {
    assert.deepEqual(await apply({ a: 3 }, { $mul: { a: 4, z: 5 } }), { a: 12, z: 0 })
  })

  it('$rename moves a field', async () => {
    assert.deepEqual(await apply({ a: 1, b: { c: 2 } }, { $rename: { a: 'x', 'b.c': 'y' } }), { b: {}, x: 1, y: 2 })
  })

  it('$min and $max keep the smaller / larger value', async () => {
    assert.deepEqual(await apply({ lo: 5, hi: 5 }, { $min: { lo: 3, hi: 7 } }), { lo: 3, hi: 5 })
    assert.deepEqual(await apply({ lo: 5, hi: 5 }, { $max: { lo: 1, hi: 9 } }), { lo: 5, hi: 9 })
  })

  it('$currentDate sets a Date or a Timestamp', async () => {
    const before = Date.now()
    const doc = await apply({}, { $currentDate: { d: true, t: { $type: 'timestamp' } } })
    assert.ok(doc?.d instanceof Date && doc.d.getTime() >= before - 1000)
    assert.ok(doc?.t instanceof Timestamp)
  })

  it('$setOnInsert applies only when the upsert inserts', async () => {
    const c = db.collection(`u${n++}`)
    await c.updateOne({ k: 1 }, { $set: { v: 1 }, $setOnInsert: { created: true } }, { upsert: true })
    await c.updateOne({ k: 1 }, { $set: { v: 2 }, $setOnInsert: { created: false } }, { upsert: true })
    assert.deepEqual(await c.findOne({ k: 1 }, { projection: { _id: 0 } }), { k: 1, v: 2, created: true })
  })

  it('$push appends one value, creating the array', async () => {
    assert.deepEqual(await apply({ a: [1] }, { $push: { a: 2, b: 'x' } }), { a: [1, 2], b: ['x'] })
  })

  it('$push with $each, $position, $sort and $slice', async () => {
    assert.deepEqual(await apply({ a: [1, 2] }, { $push: { a: { $each: [8, 9], $position: 0 } } }), { a: [8, 9, 1, 2] })
    assert.deepEqual(await apply({ a: [5, 1] }, { $push: { a: { $each: [3, 9], $sort: 1, $slice: 3 } } }), { a: [1, 3, 5] })
    assert.deepEqual(await apply({ a: [5, 1] }, { $push: { a: { $each: [3], $slice: -2 } } }), { a: [1, 3] })
    assert.deepEqual(await apply({ a: [{ s: 2 }, { s: 1 }] }, { $push: { a: { $each: [{ s: 3 }], $sort: { s: -1 } } } }), { a: [{ s: 3 }, { s: 2 }, { s: 1 }] })
  })

  it('$push on a non-array field fails', async () => {
    const c = db.collection(`u${n++}`)
    await c.insertOne({ _id: 1 as never, a: 1 })
    await assert.rejects(c.updateOne({ _id: 1 as never }, { $push: { a: 2 } } as never), (err: MongoServerError) => {
      assert.match(err.message, /must be an array/)
      return true
    })
  })

  it('$addToSet adds only missing values, also with $each', async () => {
    assert.deepEqual(await apply({ a: [1, 2] }, { $addToSet: { a: 2 } }), { a: [1, 2] })
    assert.deepEqual(await apply({ a: [1, 2] }, { $addToSet: { a: { $each: [2, 3, 3] } } }), { a: [1, 2, 3] })
  })

  it('$pop removes the last or first element', async () => {
    assert.deepEqual(await apply({ a: [1, 2, 3] }, { $pop: { a: 1 } }), { a: [1, 2] })
    assert.deepEqual(await apply({ a: [1, 2, 3] }, { $pop: { a: -1 } }), { a: [2, 3] })
  })

  it('$pull removes values and documents matching a condition', async () => {
    assert.deepEqual(await apply({ a: [1, 5, 9, 5] }, { $pull: { a: 5 } }), { a: [1, 9] })
    assert.deepEqual(await apply({ a: [1, 5, 9] }, { $pull: { a: { $gte: 5 } } }), { a: [1] })
    assert.deepEqual(await apply({ a: [{ k: 1 }, { k: 2 }] }, { $pull: { a: { k: 1 } } }), { a: [{ k: 2 }] })
  })

  it('$pullAll removes every listed value', async () => {
    assert.deepEqual(await apply({ a: [1, 2, 3, 2, 1] }, { $pullAll: { a: [1, 2] } }), { a: [3] })
  })

  it('positional $ updates the first matched element', async () => {
    assert.deepEqual(await apply({ a: [1, 5, 5] }, { $set: { 'a.$': 7 } }, { filter: { a: 5 } }), { a: [1, 7, 5] })
    assert.deepEqual(await apply({ a: [{ k: 1, v: 0 }, { k: 2, v: 0 }] }, { $inc: { 'a.$.v': 3 } }, { filter: { 'a.k': 2 } }), { a: [{ k: 1, v: 0 }, { k: 2, v: 3 }] })
  })

  it('all-positional $[] updates every element', async () => {
    assert.deepEqual(await apply({ a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } }), { a: [11, 12, 13] })
  })

  it('filtered positional $[<id>] updates elements matching arrayFilters', async () => {
    const doc = await apply({ a: [{ k: 1, v: 0 }, { k: 2, v: 0 }, { k: 3, v: 0 }] }, { $set: { 'a.$[e].v': 9 } }, { arrayFilters: [{ 'e.k': { $gte: 2 } }] })
    assert.deepEqual(doc, { a: [{ k: 1, v: 0 }, { k: 2, v: 9 }, { k: 3, v: 9 }] })
  })

  it('$bit applies and, or and xor', async () => {
    assert.deepEqual(await apply({ a: 13, b: 5, c: 5 }, { $bit: { a: { and: 10 }, b: { or: 2 }, c: { xor: 1 } } }), { a: 8, b: 7, c: 4 })
  })

  it('conflicting paths in one update fail with code 40', async () => {
    const c = db.collection(`u${n++}`)
    await c.insertOne({ _id: 1 as never, a: 1 })
    await assert.rejects(c.updateOne({ _id: 1 as never }, { $set: { a: 2 }, $inc: { a: 1 } }), (err: MongoServerError) => {
      assert.equal(err.code, 40)
      return true
    })
    // A path and its prefix, across operators; a $rename target and another operator's path.
    for (const update of [{ $set: { 'a.b': 2 }, $unset: { a: '' } }, { $inc: { x: 1 }, $rename: { a: 'x' } }]) {
      await assert.rejects(c.updateOne({ _id: 1 as never }, update), (err: MongoServerError) => {
        assert.equal(err.code, 40, JSON.stringify(update))
        return true
      })
    }
    assert.deepEqual(await c.findOne({ _id: 1 as never }), { _id: 1, a: 1 }, 'nothing changed')
  })

  it('pipeline-style updates compute from the document', async () => {
    assert.deepEqual(await apply({ a: 2, b: 3 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'a' }]), { b: 3, sum: 5 })
  })

  it('upsert inserts the filter equalities plus the update', async () => {
    const c = db.collection(`u${n++}`)
    const res = await c.updateOne({ email: 'x@y', 'profile.lang': 'fr', age: { $gt: 5 } }, { $set: { seen: 1 } }, { upsert: true })
    assert.equal(res.upsertedCount, 1)
    assert.deepEqual(await c.findOne({ _id: res.upsertedId as never }, { projection: { _id: 0 } }), { email: 'x@y', profile: { lang: 'fr' }, seen: 1 })
  })

  it('upsert with a replacement document uses the filter _id', async () => {
    const c = db.collection(`u${n++}`)
    const res = await c.replaceOne({ _id: 'fixed' as never }, { v: 1 }, { upsert: true })
    assert.equal(res.upsertedId, 'fixed')
    assert.deepEqual(await c.findOne({}), { _id: 'fixed', v: 1 })
  })

  it('upsert updates instead when a document matches', async () => {
    const c = db.collection(`u${n++}`)
    await c.insertOne({ k: 1, v: 0 })
    const res = await c.updateOne({ k: 1 }, { $inc: { v: 1 } }, { upsert: true })
    assert.equal(res.matchedCount, 1)
    assert.equal(res.upsertedCount, 0)
    assert.equal(await c.countDocuments(), 1)
  })
})
