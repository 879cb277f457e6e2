import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Binary, Decimal128, Double, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID, type Collection, type Db, type Document } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

// Filters on an _id of any type: the driver's types expect an ObjectId.
const f = (filter: Document): Document => filter

// Equality on `_id` or on a whole index key is answered from a map, without a query: these
// pin that such lookups find exactly what MongoDB finds, and that other filters still test.
describe('contract: lookups by _id and by index', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('lookup'); db = env.db })
  after(async () => { await env.close() })

  const oid = new ObjectId()
  const ids: Array<[string, unknown]> = [
    ['objectId', oid],
    ['string', 'str'],
    ['int', 1],
    ['double', 2.5],
    ['long', Long.fromString('9007199254740993')],
    ['decimal', Decimal128.fromString('4.25')],
    ['date', new Date('2024-01-02T03:04:05.006Z')],
    ['binary', new Binary(Buffer.from([1, 2, 3]), 0)],
    ['uuid', new UUID('6b023cdf-0f2b-43e2-8b61-f3820000bbbb')],
    ['document', { a: 1, b: 'x' }],
    ['bool', true],
    ['timestamp', new Timestamp({ t: 1700000000, i: 3 })],
    ['minKey', new MinKey()],
    ['maxKey', new MaxKey()],
  ]

  let c: Collection
  before(async () => {
    c = db.collection('by_id')
    await c.insertMany(ids.map(([kind, _id]) => ({ _id, kind, n: kind.length })) as never[])
  })

  const kinds = async (filter: Document): Promise<string[]> =>
    (await c.find(filter).toArray()).map((d) => String(d.kind)).sort()

  it('finds each _id type by equality, $eq and $in, like the same filter under $and', async () => {
    for (const [kind, _id] of ids) {
      for (const filter of [{ _id }, { _id: { $eq: _id } }, { _id: { $in: [_id] } }]) {
        assert.deepEqual(await kinds(filter), [kind], `${kind}: ${JSON.stringify(filter)}`)
        assert.deepEqual(await kinds({ $and: [filter] }), [kind], `${kind} under $and`)
      }
    }
  })

  it('compares numbers by value and documents field by field, in order', async () => {
    assert.deepEqual(await kinds({ _id: new Double(1) }), ['int'])
    assert.deepEqual(await kinds({ _id: Long.fromNumber(1) }), ['int'])
    assert.deepEqual(await kinds({ _id: { a: new Double(1), b: 'x' } }), ['document'])
    assert.deepEqual(await kinds({ _id: { a: Long.fromNumber(1), b: 'x' } }), ['document'])
    assert.deepEqual(await kinds({ _id: { b: 'x', a: 1 } }), [])
    assert.deepEqual(await kinds({ _id: { a: 1 } }), [])
    assert.deepEqual(await kinds({ _id: 2 }), [])
  })

  it('never matches across types: an ObjectId is not its hex string, 1 is not true or "1"', async () => {
    assert.deepEqual(await kinds({ _id: oid.toHexString() }), [])
    assert.deepEqual(await kinds({ _id: '1' }), [])
    assert.deepEqual(await kinds({ _id: { $in: [oid.toHexString(), 'true', 0] } }), [])
    assert.deepEqual(await kinds({ _id: new Date(1) }), [])
  })

  it('takes the operand of $eq literally, even a document with operators', async () => {
    assert.deepEqual(await kinds({ _id: { $eq: { $eq: 1 } } }), [])
    assert.deepEqual(await kinds({ _id: { $eq: { a: 1, b: 'x' } } }), ['document'])
  })

  it('returns nothing for a missing _id and only the present ones of an $in', async () => {
    assert.equal(await c.findOne(f({ _id: new ObjectId() })), null)
    assert.deepEqual(await kinds({ _id: { $in: [new ObjectId(), 'str', 'nope', 1, 1] } }), ['int', 'string'])
    assert.deepEqual(await kinds({ _id: { $in: [] } }), [])
    // The driver gives a null _id an ObjectId, so no document here has one to match.
    assert.deepEqual(await kinds({ _id: null }), [])
  })

  it('keeps patterns and ranges for what they are', async () => {
    assert.deepEqual(await kinds({ _id: /^st/ }), ['string'])
    assert.deepEqual(await kinds({ _id: { $in: [/^st/, 1] } }), ['int', 'string'])
    assert.deepEqual(await kinds({ _id: { $gte: 1, $lt: 3 } }), ['double', 'int'])
    assert.deepEqual(await kinds({ _id: { $ne: 'str', $type: 'string' } }), [])
  })

  it('tests the other fields of a filter with an _id', async () => {
    assert.deepEqual(await kinds({ _id: 'str', kind: 'string' }), ['string'])
    assert.deepEqual(await kinds({ _id: 'str', kind: 'int' }), [])
    assert.deepEqual(await kinds({ _id: { $in: ['str', 1, 2.5] }, n: { $gte: 4 } }), ['double', 'string'])
    assert.deepEqual(await kinds({ _id: 'str', $or: [{ n: 1 }, { n: 6 }] }), ['string'])
    assert.deepEqual(await kinds({ _id: 'str', $or: [{ n: 1 }, { n: 2 }] }), [])
  })

  it('projects, sorts, skips and limits what an _id lookup found', async () => {
    assert.deepEqual(await c.findOne(f({ _id: 'str' }), { projection: { kind: 1 } }), { _id: 'str', kind: 'string' })
    assert.deepEqual(await c.findOne(f({ _id: 'str' }), { projection: { _id: 0, n: 1 } }), { n: 6 })
    assert.deepEqual(await c.findOne(f({ _id: 'str' }), { projection: { kind: 0 } }), { _id: 'str', n: 6 })
    const page = await c.find(f({ _id: { $in: [1, 2.5, 'str', oid] } })).sort({ n: -1, kind: 1 }).skip(1).limit(2).toArray()
    assert.deepEqual(page.map((d) => d.kind), ['double', 'string'])
    assert.equal(await c.countDocuments(f({ _id: { $in: [1, 'str'] } })), 2)
    assert.deepEqual(await c.distinct('kind', f({ _id: 1 })), ['int'])
  })

  it('updates and deletes by _id only the document named', async () => {
    const w = db.collection('by_id_writes')
    await w.insertMany([{ _id: 1, v: 0 }, { _id: 2, v: 0 }, { _id: '1', v: 0 }] as never[])
    assert.equal((await w.updateOne({ _id: new Double(1) }, { $inc: { v: 1 } })).modifiedCount, 1)
    assert.equal((await w.updateOne(f({ _id: 2, v: 5 }), { $inc: { v: 1 } })).matchedCount, 0)
    assert.equal((await w.deleteMany(f({ _id: { $in: ['1', 3] } }))).deletedCount, 1)
    assert.deepEqual(await w.find().sort({ _id: 1 }).toArray(), [{ _id: 1, v: 1 }, { _id: 2, v: 0 }])
  })

  it('finds by a unique and by a multikey index exactly what a scan finds', async () => {
    const x = db.collection('by_index')
    await x.createIndex({ email: 1 }, { unique: true })
    await x.createIndex({ tags: 1 })
    await x.createIndex({ a: 1, b: 1 })
    await x.insertMany([
      { _id: 1, email: 'ada@x', tags: ['red', 'blue'], a: 1, b: 1 },
      { _id: 2, email: 'bob@x', tags: 'red', a: 1, b: Long.fromNumber(2) },
      { _id: 3, email: 'cy@x', tags: [['red']], a: 1.5 },
      { _id: 4, tags: [], a: 2, b: 1 },
    ] as never[])
    const found = async (filter: Document): Promise<unknown[]> => {
      const direct = (await x.find(filter).toArray()).map((d) => d._id).sort()
      // `$and` hides the equality from the lookup planner: the same filter, scanned.
      assert.deepEqual((await x.find({ $and: [filter] }).toArray()).map((d) => d._id).sort(), direct, JSON.stringify(filter))
      return direct
    }
    assert.deepEqual(await found({ email: 'bob@x' }), [2])
    assert.deepEqual(await found({ email: { $eq: 'ada@x' } }), [1])
    assert.deepEqual(await found({ email: 'nobody' }), [])
    assert.deepEqual(await found({ tags: 'red' }), [1, 2])
    assert.deepEqual(await found({ tags: 'red', email: 'ada@x' }), [1])
    assert.deepEqual(await found({ tags: 'red', a: { $gt: 1 } }), [])
    assert.deepEqual(await found({ a: 1, b: 1 }), [1])
    assert.deepEqual(await found({ a: 1 }), [1, 2])
    assert.deepEqual(await found({ email: null }), [4])
    assert.deepEqual(await found({ tags: ['red', 'blue'] }), [1])
    assert.deepEqual(await found({ tags: ['red'] }), [3])
    assert.deepEqual(await x.findOne({ email: 'cy@x' }, { projection: { _id: 0, a: 1 } }), { a: 1.5 })
    await x.createIndex({ 'p.q': 1 })
    await x.insertMany([{ _id: 5, email: 'e5', p: { q: 7 } }, { _id: 6, email: 'e6', p: [{ q: 7 }, { q: 8 }] }, { _id: 7, email: 'e7', p: 7 }] as never[])
    assert.deepEqual(await found({ 'p.q': 7 }), [5, 6])
    assert.deepEqual(await found({ 'p.q': 8, _id: { $gt: 5 } }), [6])
    // A Long equals the same number: MongoDB's equality, though not what a scan here sees.
    assert.deepEqual((await x.find({ a: 1, b: 2 }).toArray()).map((d) => d._id), [2])
  })
})
