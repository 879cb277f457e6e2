import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { Decimal128, Long, ObjectId, type MongoServerError } from 'mongodb'
import { openStore, tempDir } from './helpers.js'

describe('storage: persistence across restarts', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('keeps documents, updates, deletes, indexes and collections after close and reopen', async () => {
    const id = new ObjectId()
    const first = await openStore(dir)
    const db = first.client.db('app')
    await db.collection('users').createIndex({ email: 1 }, { unique: true })
    await db.collection('users').insertMany([
      { _id: id, email: 'a@x', n: Long.fromString('9007199254740993'), price: Decimal128.fromString('1.10') },
      { email: 'b@x' },
      { email: 'c@x' },
    ])
    await db.collection('users').updateOne({ email: 'b@x' }, { $set: { admin: true } })
    await db.collection('users').deleteOne({ email: 'c@x' })
    await db.collection('empty').createIndex({ k: 1 })
    await db.collection('gone').insertOne({})
    await db.collection('gone').drop()
    await first.close()

    const second = await openStore(dir)
    const db2 = second.client.db('app')
    const docs = await db2.collection('users').find({}, { promoteLongs: false }).toArray()
    assert.deepEqual(docs.map((d) => d.email), ['a@x', 'b@x'])
    assert.equal((docs[0]?.n as Long).toString(), '9007199254740993')
    assert.equal((docs[0]?.price as Decimal128).toString(), '1.10')
    assert.ok(docs[0]?._id.equals(id))
    assert.equal(docs[1]?.admin, true)
    assert.deepEqual((await db2.collection('users').listIndexes().toArray()).map((i) => i.name), ['_id_', 'email_1'])
    await assert.rejects(db2.collection('users').insertOne({ email: 'a@x' }), (err: MongoServerError) => err.code === 11000)
    assert.deepEqual((await db2.listCollections().toArray()).map((c) => c.name).sort(), ['empty', 'users'])
    await second.close()
  })

  it('compacts the journal into a snapshot and still reopens the same data', async () => {
    const store = await openStore(dir)
    const c = store.client.db('app').collection('big')
    const blob = 'y'.repeat(64 * 1024)
    // Rewriting the same documents grows the journal past the 16 MiB compaction threshold.
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, v: 0, blob })) as never[])
    for (let round = 1; round <= 15; round++) await c.updateMany({}, { $set: { v: round } })
    await store.close()
    const files = readdirSync(dir)
    assert.ok(files.includes('snapshot.tdb'), `expected a snapshot among ${files.join(', ')}`)
    assert.equal(files.filter((f) => f.startsWith('journal-')).length, 1)

    const reopened = await openStore(dir)
    const big = reopened.client.db('app').collection('big')
    assert.equal(await big.countDocuments({ v: 15 }), 20)
    assert.equal(await reopened.client.db('app').collection('users').countDocuments(), 2)
    await reopened.close()
  })

  it('an in-memory store writes nothing', async () => {
    const { startEmbeddedMongo } = await import('../../src/index.js')
    const server = await startEmbeddedMongo()
    assert.equal(server.dir, undefined)
    assert.match(server.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/\?directConnection=true$/)
    await server.close()
  })
})
