import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo } from '../../src/index.js'
import { openStore, tempDir } from './helpers.js'

describe('storage: the TTL monitor', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('runs every ttlMonitorSleepSecs, and its deletions are journaled like any other', async () => {
    const server = await startEmbeddedMongo({ dir, ttlMonitorSleepSecs: 0.2 })
    const client = await new MongoClient(server.uri).connect()
    const c = client.db('app').collection('logins')
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 1 })
    await c.insertMany([{ n: 1, at: new Date(Date.now() - 5000) }, { n: 2, at: new Date(Date.now() + 60_000) }])
    const start = Date.now()
    while (await c.countDocuments() > 1) {
      assert.ok(Date.now() - start < 3000, 'the expired document is still there after 3 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.deepEqual(await client.db('admin').command({ getParameter: 1, ttlMonitorSleepSecs: 1 }), { ttlMonitorSleepSecs: 0.2, ok: 1 })
    await client.close()
    await server.close()

    const reopened = await openStore(dir)
    assert.deepEqual((await reopened.client.db('app').collection('logins').find().toArray()).map((d) => d.n), [2])
    await reopened.close()
  })

  it('setParameter ttlMonitorEnabled: false stops the passes', async () => {
    const server = await startEmbeddedMongo({ ttlMonitorSleepSecs: 0.1 })
    const client = await new MongoClient(server.uri).connect()
    try {
      assert.deepEqual(await client.db('admin').command({ setParameter: 1, ttlMonitorEnabled: false }), { was: true, ok: 1 })
      const c = client.db('app').collection('off')
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 0 })
      await c.insertOne({ at: new Date(0) })
      await new Promise((resolve) => setTimeout(resolve, 400))
      assert.equal(await c.countDocuments(), 1)
      await client.db('admin').command({ setParameter: 1, ttlMonitorEnabled: true })
      const start = Date.now()
      while (await c.countDocuments() > 0) {
        assert.ok(Date.now() - start < 3000, 'not expired once re-enabled')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      await client.close()
      await server.close()
    }
  })

  it('refuses a ttlMonitorSleepSecs that is not a positive number', async () => {
    await assert.rejects(startEmbeddedMongo({ ttlMonitorSleepSecs: 0 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'TAO_ERR_EMBEDDED_OPTIONS')
      assert.match(err.message, /ttlMonitorSleepSecs must be a positive number/)
      return true
    })
  })
})
