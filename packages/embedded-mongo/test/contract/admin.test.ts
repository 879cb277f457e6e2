import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoServerError, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: commands, find-and-modify, counting, administration', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('admin'); db = env.db })
  after(async () => { await env.close() })

  it('ping and buildInfo answer', async () => {
    assert.equal((await db.admin().ping()).ok, 1)
    const info = await db.admin().buildInfo()
    assert.match(String(info.version), /^\d+\.\d+/)
  })

  it('findOneAndUpdate returns the document before, or after with returnDocument', async () => {
    const c = db.collection('fam')
    await c.insertOne({ _id: 1 as never, v: 1 })
    assert.equal((await c.findOneAndUpdate({ _id: 1 as never }, { $inc: { v: 1 } }))?.v, 1)
    assert.equal((await c.findOneAndUpdate({ _id: 1 as never }, { $inc: { v: 1 } }, { returnDocument: 'after' }))?.v, 3)
  })

  it('findOneAndUpdate honours sort, projection and upsert', async () => {
    const c = db.collection('fam_sort')
    await c.insertMany([{ q: 1, p: 3 }, { q: 1, p: 9 }, { q: 1, p: 5 }])
    const top = await c.findOneAndUpdate({ q: 1 }, { $set: { picked: true } }, { sort: { p: -1 }, projection: { _id: 0, p: 1 }, returnDocument: 'after' })
    assert.deepEqual(top, { p: 9 })
    const created = await c.findOneAndUpdate({ q: 2 }, { $set: { p: 1 } }, { upsert: true, returnDocument: 'after', projection: { _id: 0 } })
    assert.deepEqual(created, { q: 2, p: 1 })
    assert.equal(await c.findOneAndUpdate({ q: 3 }, { $set: { p: 1 } }), null)
  })

  it('findOneAndUpdate with includeResultMetadata reports lastErrorObject', async () => {
    const c = db.collection('fam_meta')
    const res = await c.findOneAndUpdate({ k: 1 }, { $set: { v: 1 } }, { upsert: true, includeResultMetadata: true })
    assert.equal(res.value, null)
    assert.equal(res.lastErrorObject?.updatedExisting, false)
    assert.ok(res.lastErrorObject?.upserted)
  })

  it('findOneAndReplace and findOneAndDelete', async () => {
    const c = db.collection('fam_other')
    await c.insertMany([{ k: 1, v: 'a' }, { k: 2, v: 'b' }])
    const replaced = await c.findOneAndReplace({ k: 1 }, { k: 1, v: 'z' }, { returnDocument: 'after', projection: { _id: 0 } })
    assert.deepEqual(replaced, { k: 1, v: 'z' })
    const deleted = await c.findOneAndDelete({ k: 2 })
    assert.equal(deleted?.v, 'b')
    assert.equal(await c.countDocuments(), 1)
    assert.equal(await c.findOneAndDelete({ k: 2 }), null)
  })

  it('countDocuments and estimatedDocumentCount', async () => {
    const c = db.collection('counts')
    await c.insertMany([{ a: 1 }, { a: 2 }, { a: 2 }])
    assert.equal(await c.countDocuments({ a: 2 }), 2)
    assert.equal(await c.estimatedDocumentCount(), 3)
    assert.equal(await db.collection('never_created').estimatedDocumentCount(), 0)
  })

  it('distinct flattens arrays and takes a filter', async () => {
    const c = db.collection('distinct')
    await c.insertMany([{ t: ['a', 'b'], k: 1 }, { t: 'c', k: 1 }, { t: ['a'], k: 2 }, { k: 1 }])
    assert.deepEqual((await c.distinct('t')).sort(), ['a', 'b', 'c'])
    assert.deepEqual((await c.distinct('t', { k: 2 })), ['a'])
  })

  it('createCollection, listCollections with filter and nameOnly, drop', async () => {
    await db.createCollection('made')
    await db.collection('implicit').insertOne({})
    const all = await db.listCollections().toArray()
    assert.deepEqual(all.map((c) => c.name).sort(), [...all.map((c) => c.name)].sort())
    assert.ok(all.some((c) => c.name === 'made' && c.type === 'collection'))
    const filtered = await db.listCollections({ name: 'made' }, { nameOnly: true }).toArray()
    assert.deepEqual(filtered, [{ name: 'made', type: 'collection' }])
    assert.equal(await db.collection('made').drop(), true)
    assert.deepEqual(await db.listCollections({ name: 'made' }).toArray(), [])
  })

  it('creating an existing collection fails with NamespaceExists (48)', async () => {
    await db.createCollection('exists_once')
    await assert.rejects(db.createCollection('exists_once'), (err: MongoServerError) => err.code === 48)
  })

  it('renameCollection moves documents and indexes', async () => {
    const c = db.collection('before_rename')
    await c.createIndex({ k: 1 }, { unique: true })
    await c.insertOne({ k: 1 })
    await c.rename('after_rename')
    const moved = db.collection('after_rename')
    assert.equal(await moved.countDocuments(), 1)
    await assert.rejects(moved.insertOne({ k: 1 }), (err: MongoServerError) => err.code === 11000)
  })

  it('a document inserted after a rename comes after the moved ones, also among equal index keys', async () => {
    const c = db.collection('rename_order_before')
    await c.createIndex({ k: 1 })
    await c.insertMany([{ _id: 'a' as never, k: 1 }, { _id: 'b' as never, k: 1 }])
    await c.rename('rename_order_after')
    const moved = db.collection('rename_order_after')
    await moved.insertMany([{ _id: 'c' as never, k: 1 }, { _id: 'd' as never, k: 1 }])
    const ids = async (cursor: { toArray: () => Promise<Array<{ _id: unknown }>> }): Promise<unknown[]> => (await cursor.toArray()).map((d) => d._id)
    assert.deepEqual(await ids(moved.find({ k: { $gte: 0 } }).sort({ k: 1 })), ['a', 'b', 'c', 'd'])
  })

  it('listDatabases shows the database; dropDatabase removes it', async () => {
    const other = env.client.db(`${db.databaseName}_other`)
    await other.collection('x').insertOne({})
    const { databases } = await db.admin().listDatabases()
    assert.ok(databases.some((d) => d.name === other.databaseName))
    assert.equal(await other.dropDatabase(), true)
    const after = await db.admin().listDatabases({ nameOnly: true })
    assert.ok(!after.databases.some((d) => d.name === other.databaseName))
  })

  it('an unknown command fails with CommandNotFound (59)', async () => {
    await assert.rejects(db.command({ frobnicate: 1 }), (err: MongoServerError) => {
      assert.equal(err.code, 59)
      assert.equal(err.codeName, 'CommandNotFound')
      assert.equal(err.message, "no such command: 'frobnicate'")
      return true
    })
  })

  it('a transaction fails as on a standalone server (IllegalOperation, 20)', async () => {
    const session = env.client.startSession()
    try {
      session.startTransaction()
      await assert.rejects(db.collection('txn').findOne({}, { session }), (err: MongoServerError) => {
        assert.equal(err.code, 20)
        assert.match(err.message, /Transaction numbers are only allowed on a replica set member or mongos/)
        return true
      })
      await assert.rejects(db.collection('txn').insertOne({ a: 1 }, { session }), (err: MongoServerError) => {
        assert.equal((err.originalError as MongoServerError | undefined)?.code ?? err.code, 20)
        return true
      })
    } finally {
      await session.abortTransaction().catch(() => {})
      await session.endSession()
    }
    assert.equal(await db.collection('txn').countDocuments(), 0)
  })

  it('invalid collection names are refused (InvalidNamespace, 73)', async () => {
    await assert.rejects(db.collection('bad$name').insertOne({}), (err: MongoServerError) => err.code === 73)
  })
})
