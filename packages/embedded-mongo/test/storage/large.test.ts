import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openStore, tempDir } from './helpers.js'

// Past 16 MiB of documents a collection keeps them encoded only, decoding per command: these
// 96 documents of 256 KiB cross that line, so most of them take that path.
const COUNT = 96
const blob = 'b'.repeat(256 * 1024)

describe('storage: a collection larger than what is kept decoded', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('answers lookups, scans, sorts, updates and deletes the same, before and after a restart', async () => {
    const first = await openStore(dir)
    const c = first.client.db('app').collection<{ _id: number, email: string, n: number, tags: string[], blob: string, three?: boolean }>('big')
    await c.createIndex({ email: 1 }, { unique: true })
    for (let i = 0; i < COUNT; i += 8) {
      await c.insertMany(Array.from({ length: 8 }, (_, j) => ({ _id: i + j, email: `u${i + j}@x`, n: (i + j) % 10, tags: [`t${(i + j) % 3}`], blob })))
    }
    await c.updateMany({ n: 3 }, { $set: { three: true } })
    await c.deleteMany({ n: 9 })
    await assert.rejects(c.insertOne({ _id: 1000, email: 'u90@x', n: 0, tags: [], blob: '' }), /E11000/)

    const check = async (label: string, coll: typeof c): Promise<void> => {
      assert.equal((await coll.findOne({ email: 'u90@x' }))?._id, 90, label)
      assert.equal((await coll.findOne({ _id: 93 }, { projection: { blob: 0 } }))?.three, true, label)
      assert.equal(await coll.countDocuments({ n: 9 }), 0, label)
      assert.equal(await coll.countDocuments({ tags: 't1' }), 29, label)
      const sorted = await coll.find({ n: { $lt: 2 } }, { sort: { _id: -1 }, projection: { _id: 1 } }).toArray()
      assert.deepEqual(sorted.map((d) => d._id), [91, 90, 81, 80, 71, 70, 61, 60, 51, 50, 41, 40, 31, 30, 21, 20, 11, 10, 1, 0], label)
      assert.equal((await coll.findOne({ email: 'u95@x' }))?.blob.length, blob.length, label)
    }
    await check('before restart', c)
    await first.close()

    const second = await openStore(dir)
    const again = second.client.db('app').collection<{ _id: number, email: string, n: number, tags: string[], blob: string, three?: boolean }>('big')
    await check('after restart', again)
    // The unique index was rebuilt from the stored bytes.
    await assert.rejects(again.insertOne({ _id: 1001, email: 'u1@x', n: 0, tags: [], blob: '' }), /E11000/)
    await second.close()
  })
})
