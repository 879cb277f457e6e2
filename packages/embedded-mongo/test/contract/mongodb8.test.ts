import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoServerError, ObjectId, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

function rejectsWith (code: number, codeName: string, message?: RegExp) {
  return (err: MongoServerError) => {
    assert.equal(err.code, code, err.message)
    assert.equal(err.codeName, codeName)
    if (message !== undefined) assert.match(err.message, message)
    return true
  }
}

describe('contract: MongoDB 8.0 behaviour and errors', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('mongodb8'); db = env.db })
  after(async () => { await env.close() })

  it('answers as MongoDB 8.0', async () => {
    const info = await db.admin().buildInfo()
    assert.ok(Number(info.versionArray[0]) >= 8)
    const hello = await db.admin().command({ hello: 1 })
    assert.ok(hello.maxWireVersion >= 25)
  })

  it('updateOne and replaceOne with sort change the first document in sort order', async () => {
    const c = db.collection('update_sort')
    await c.insertMany([{ _id: 1, g: 'a', rank: 2 }, { _id: 2, g: 'a', rank: 9 }, { _id: 3, g: 'a', rank: 5 }] as never[])
    await c.updateOne({ g: 'a' }, { $set: { top: true } }, { sort: { rank: -1 } })
    assert.deepEqual((await c.find({ top: true }).toArray()).map((d) => d._id), [2])
    await c.replaceOne({ g: 'a' }, { g: 'a', rank: 0, replaced: true }, { sort: { rank: 1 } })
    assert.equal((await c.findOne({ _id: 1 as never }))?.replaced, true)
  })

  it('MongoClient.bulkWrite (8.0) writes across collections and reports per-operation results', async () => {
    const ns = (c: string) => `${db.databaseName}.${c}` as const
    const res = await env.client.bulkWrite([
      { name: 'insertOne', namespace: ns('bw_a'), document: { _id: 1, v: 1 } },
      { name: 'insertOne', namespace: ns('bw_b'), document: { _id: 1, v: 1 } },
      { name: 'updateOne', namespace: ns('bw_a'), filter: { _id: 1 }, update: { $inc: { v: 1 } } },
      { name: 'updateOne', namespace: ns('bw_a'), filter: { _id: 2 }, update: { $set: { v: 9 } }, upsert: true },
      { name: 'deleteMany', namespace: ns('bw_b'), filter: {} },
    ] as never, { verboseResults: true })
    assert.equal(res.insertedCount, 2)
    assert.equal(res.matchedCount, 1)
    assert.equal(res.modifiedCount, 1)
    assert.equal(res.upsertedCount, 1)
    assert.equal(res.deletedCount, 1)
    assert.equal(res.updateResults?.get(3)?.upsertedId, 2)
    assert.deepEqual(await db.collection('bw_a').find().sort({ _id: 1 }).toArray(), [{ _id: 1, v: 2 }, { _id: 2, v: 9 }])
    await assert.rejects(env.client.bulkWrite([
      { name: 'insertOne', namespace: ns('bw_a'), document: { _id: 1 } },
      { name: 'insertOne', namespace: ns('bw_a'), document: { _id: 3 } },
    ] as never), (err: Error & { writeErrors?: Map<number, { code: number }> }) => {
      assert.equal(err.writeErrors?.get(0)?.code, 11000)
      return true
    })
    assert.equal(await db.collection('bw_a').countDocuments({ _id: 3 as never }), 0)
  })

  it('refuses unknown fields in commands and update statements with 40415', async () => {
    const c = db.collection('unknown_fields')
    await c.insertOne({ a: 1 })
    await assert.rejects(db.command({ find: 'unknown_fields', filter: {}, colation: { locale: 'en' } }),
      rejectsWith(40415, 'Location40415', /BSON field 'find\.colation' is an unknown field/))
    await assert.rejects(db.command({ update: 'unknown_fields', updates: [{ q: {}, u: { $set: { a: 2 } }, mutli: true }] }),
      rejectsWith(40415, 'Location40415', /update\.updates\.mutli/))
    await assert.rejects(db.command({ delete: 'unknown_fields', deletes: [{ q: {}, limit: 0, colation: {} }] }),
      rejectsWith(40415, 'Location40415'))
    await assert.rejects(db.command({ aggregate: 'unknown_fields', pipeline: [], cursor: {}, allowDiskuse: true }),
      rejectsWith(40415, 'Location40415'))
    assert.equal((await c.findOne({}))?.a, 1)
  })

  it('let variables reach $expr in find, aggregate, update, delete and findOneAndUpdate', async () => {
    const c = db.collection('let_vars')
    await c.insertMany([{ _id: 1, n: 5 }, { _id: 2, n: 10 }, { _id: 3, n: 15 }] as never[])
    const found = await c.find({ $expr: { $gt: ['$n', '$$min'] } }, { let: { min: 7 } }).toArray()
    assert.deepEqual(found.map((d) => d._id), [2, 3])
    const agg = await c.aggregate([{ $match: { $expr: { $eq: ['$n', '$$v'] } } }, { $project: { _id: 1, twice: { $multiply: ['$n', '$$k'] } } }], { let: { v: 10, k: 2 } }).toArray()
    assert.deepEqual(agg, [{ _id: 2, twice: 20 }])
    await c.updateMany({ $expr: { $lt: ['$n', '$$cut'] } }, [{ $set: { tag: '$$label' } }], { let: { cut: 12, label: 'small' } })
    assert.equal(await c.countDocuments({ tag: 'small' }), 2)
    const fam = await c.findOneAndUpdate({ $expr: { $eq: ['$_id', '$$id'] } }, { $set: { hit: true } }, { let: { id: 3 }, returnDocument: 'after' })
    assert.equal(fam?.hit, true)
    assert.equal((await c.deleteMany({ $expr: { $gte: ['$n', '$$from'] } }, { let: { from: 10 } })).deletedCount, 2)
    await assert.rejects(c.find({ $expr: { $eq: ['$n', '$$nope'] } }).toArray(), rejectsWith(17276, 'Location17276', /nope/))
  })

  it('refuses $-prefixed field names inside _id, and arrays as _id', async () => {
    const c = db.collection('id_checks')
    await assert.rejects(c.insertOne({ _id: { $a: 1 } } as never), (err: MongoServerError) => {
      assert.equal(err.code, 52)
      assert.match(err.message, /\$a/)
      return true
    })
    await assert.rejects(c.insertOne({ _id: [1, 2] } as never), (err: MongoServerError) => {
      assert.equal(err.code, 53)
      return true
    })
    await assert.rejects(c.replaceOne({ x: 1 }, { _id: { $b: 2 }, x: 1 } as never, { upsert: true }), (err: MongoServerError) => {
      assert.equal(err.code, 52)
      return true
    })
    assert.equal(await c.countDocuments(), 0)
  })

  it('keeps _id: null as null, also in an upsert replacement', async () => {
    const c = db.collection('id_null')
    const res = await c.replaceOne({ k: 1 }, { _id: null, k: 1 } as never, { upsert: true })
    assert.equal(res.upsertedCount, 1)
    const doc = await c.findOne({ k: 1 })
    assert.equal(doc?._id, null)
    // The driver replaces a null _id by an ObjectId in insertOne, so the raw command is used.
    const dup = await db.command({ insert: 'id_null', documents: [{ _id: null, k: 2 }] })
    assert.equal(dup.writeErrors?.[0]?.code, 11000)
    assert.ok((await c.insertOne({ k: 3 })).insertedId instanceof ObjectId)
  })

  it('answers an unknown command with 59 CommandNotFound', async () => {
    await assert.rejects(db.command({ noSuchCommand: 1 }), rejectsWith(59, 'CommandNotFound', /no such command: 'noSuchCommand'/))
  })

  it('answers an unknown pipeline stage with 40324, an unknown operator with 2, an unknown expression with 168', async () => {
    const c = db.collection('unknown_names')
    await c.insertOne({ a: 1 })
    await assert.rejects(c.aggregate([{ $noSuchStage: {} }]).toArray(), rejectsWith(40324, 'Location40324', /Unrecognized pipeline stage name: '\$noSuchStage'/))
    await assert.rejects(c.find({ a: { $noSuchOp: 1 } }).toArray(), rejectsWith(2, 'BadValue', /unknown operator: \$noSuchOp/))
    await assert.rejects(c.aggregate([{ $project: { x: { $noSuchExpr: 1 } } }]).toArray(), rejectsWith(168, 'InvalidPipelineOperator', /Unrecognized expression '\$noSuchExpr'/))
  })

  it('refuses a hint that names no index', async () => {
    const c = db.collection('hints')
    await c.insertOne({ a: 1 })
    await assert.rejects(c.find({ a: 1 }, { hint: 'no_such_index' }).toArray(), (err: MongoServerError) => {
      assert.equal(err.code, 2)
      assert.match(err.message, /hint provided does not correspond to an existing index/)
      return true
    })
    assert.equal((await c.find({ a: 1 }, { hint: { _id: 1 } }).toArray()).length, 1)
  })

  it('accepts $-prefixed field names on insert outside _id, as MongoDB 5.0 and later do', async () => {
    const c = db.collection('dollar_fields')
    await c.insertOne({ $price: 50, quantity: 30, nested: { $inc: true } })
    const doc = await c.findOne({ quantity: 30 }, { projection: { _id: 0 } })
    assert.deepEqual(doc, { $price: 50, quantity: 30, nested: { $inc: true } })
  })

  it('$listLocalSessions lists the sessions the server has seen', async () => {
    const session = env.client.startSession()
    await db.collection('sessions').insertOne({ a: 1 }, { session })
    const listed = await env.client.db('admin').aggregate([{ $listLocalSessions: {} }]).toArray()
    assert.ok(listed.some((s) => s._id.id.toString('hex') === session.id?.id.toString('hex')))
    await session.endSession()
  })
})
