import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Db, MongoServerError } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

const HOUR = 3600_000

// Polls until `check` holds: the TTL monitor runs on its own clock, as mongod's does.
async function eventually (check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not true after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('contract: TTL indexes', () => {
  let env: ContractDb
  let db: Db
  let was: unknown
  before(async () => {
    env = await openContractDb('ttl')
    db = env.db
    // Passes every second instead of every minute, as tests against mongod do.
    was = (await env.client.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: 1 })).was
  })
  after(async () => {
    await env.client.db('admin').command({ setParameter: 1, ttlMonitorSleepSecs: was ?? 60 })
    await env.close()
  })

  it('setParameter answers the previous value and getParameter the current one', async () => {
    const admin = env.client.db('admin')
    assert.equal(was, 60)
    assert.deepEqual(await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 }), { ttlMonitorSleepSecs: 1, ok: 1 })
    await assert.rejects(db.command({ setParameter: 1, ttlMonitorSleepSecs: 5 }), (err: MongoServerError) => err.code === 13)
  })

  it('deletes documents whose date plus expireAfterSeconds has passed, and only those', async () => {
    const c = db.collection('sessions')
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 })
    const now = Date.now()
    await c.insertMany([
      { name: 'old', at: new Date(now - HOUR) },
      { name: 'fresh', at: new Date(now) },
      { name: 'future', at: new Date(now + HOUR) },
      // An array expires with its earliest date.
      { name: 'array-old', at: [new Date(now + HOUR), new Date(now - HOUR)] },
      { name: 'array-fresh', at: [new Date(now), new Date(now + HOUR)] },
      // Values that are not dates, and missing fields, never expire.
      { name: 'string', at: new Date(now - HOUR).toISOString() },
      { name: 'number', at: now - HOUR },
      { name: 'missing' },
    ])
    await eventually(async () => (await c.countDocuments()) === 6)
    const left = (await c.find({}, { sort: { name: 1 } }).toArray()).map((d) => d.name)
    assert.deepEqual(left, ['array-fresh', 'fresh', 'future', 'missing', 'number', 'string'])
  })

  it('expireAfterSeconds: 0 expires documents at the date they hold', async () => {
    const c = db.collection('expire_at')
    await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 })
    await c.insertMany([{ n: 1, expireAt: new Date(Date.now() - 1000) }, { n: 2, expireAt: new Date(Date.now() + HOUR) }])
    await eventually(async () => (await c.countDocuments()) === 1)
    assert.equal((await c.findOne({}))?.n, 2)
  })

  it('a partial TTL index only expires the documents it holds', async () => {
    const c = db.collection('partial')
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 1, partialFilterExpression: { kind: 'temp' } })
    const old = new Date(Date.now() - HOUR)
    await c.insertMany([{ kind: 'temp', at: old }, { kind: 'keep', at: old }])
    await eventually(async () => (await c.countDocuments()) === 1)
    assert.equal((await c.findOne({}))?.kind, 'keep')
  })
})
