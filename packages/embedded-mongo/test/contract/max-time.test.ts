// maxTimeMS: the server stops an operation that runs past it with MaxTimeMSExpired (code 50),
// which tao relies on to cancel the queries its request deadlines cut (issue #12).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoServerError, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

const N = 60_000

/** The error of `run`, which must fail with MaxTimeMSExpired. */
async function expired (run: () => Promise<unknown>): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof MongoServerError, `a server error, got ${String(err)}`)
    assert.equal(err.code, 50)
    assert.equal(err.codeName, 'MaxTimeMSExpired')
    assert.match(err.message, /operation exceeded time limit/)
    return true
  })
}

describe('contract: maxTimeMS', () => {
  let env: ContractDb
  let db: Db
  // Every document is read to answer this filter: no index helps a regular expression.
  const slow = { text: { $regex: 'never-there$' } }
  before(async () => {
    env = await openContractDb('max_time')
    db = env.db
    const docs = Array.from({ length: N }, (_, i) => ({ i, text: `note ${i} `.repeat(8), group: i % 10 }))
    for (let at = 0; at < N; at += 10_000) await db.collection('big').insertMany(docs.slice(at, at + 10_000))
    await db.collection('big').createIndex({ i: 1 })
  })
  after(async () => { await env.close() })

  it('answers the same scan in full without maxTimeMS', async () => {
    const started = Date.now()
    assert.deepEqual(await db.collection('big').find(slow).toArray(), [])
    assert.ok(Date.now() - started > 5, 'the scan takes longer than the limits below')
  })

  it('stops a find scanning past its maxTimeMS', async () => {
    await expired(() => db.collection('big').find(slow, { maxTimeMS: 1 }).toArray())
    await expired(() => db.collection('big').find(slow).maxTimeMS(1).toArray())
  })

  it('stops a walk of an index in sort order past its maxTimeMS', async () => {
    await expired(() => db.collection('big').find({ i: { $gte: 0 }, ...slow }, { maxTimeMS: 1 }).sort({ i: 1 }).toArray())
  })

  it('stops countDocuments, distinct, findOne and an aggregation past their maxTimeMS', async () => {
    await expired(() => db.collection('big').countDocuments(slow, { maxTimeMS: 1 }))
    await expired(() => db.collection('big').distinct('group', slow, { maxTimeMS: 1 }))
    await expired(() => db.collection('big').findOne(slow, { maxTimeMS: 1 }))
    await expired(() => db.collection('big').aggregate([{ $match: slow }, { $count: 'n' }], { maxTimeMS: 1 }).toArray())
  })

  it('stops an update whose filter scans past its maxTimeMS, before changing anything', async () => {
    await expired(() => db.collection('big').updateMany(slow, { $set: { touched: true } }, { maxTimeMS: 1 }))
    assert.equal(await db.collection('big').countDocuments({ touched: true }), 0)
  })

  it('lets a quick operation with a maxTimeMS through', async () => {
    const doc = await db.collection('big').findOne({ i: 42 }, { maxTimeMS: 1_000 })
    assert.equal(doc?.i, 42)
    assert.equal((await db.collection('big').updateOne({ i: 42 }, { $set: { seen: 1 } }, { maxTimeMS: 1_000 })).modifiedCount, 1)
    assert.equal(await db.collection('big').countDocuments({ group: 3 }, { maxTimeMS: 60_000 }), N / 10)
  })
})
