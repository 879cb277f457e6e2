import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { CommandStartedEvent, CommandSucceededEvent, Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

describe('contract: cursors, sort, skip, limit, projection', () => {
  let env: ContractDb
  let db: Db
  const started: CommandStartedEvent[] = []
  const succeeded: CommandSucceededEvent[] = []
  before(async () => {
    env = await openContractDb('cursors', { monitorCommands: true })
    db = env.db
    env.client.on('commandStarted', (e) => started.push(e))
    env.client.on('commandSucceeded', (e) => succeeded.push(e))
    await db.collection('nums').insertMany(Array.from({ length: 250 }, (_, i) => ({ i, even: i % 2 === 0, name: `n${String(i).padStart(3, '0')}` })))
  })
  after(async () => { await env.close() })

  const commands = (name: string): CommandStartedEvent[] => started.filter((e) => e.commandName === name)

  it('returns 250 documents through getMore with the default batch size', async () => {
    started.length = 0
    const docs = await db.collection('nums').find().toArray()
    assert.equal(docs.length, 250)
    assert.equal(commands('getMore').length, 1)
  })

  it('honours a batchSize smaller than the result (several getMore round trips)', async () => {
    started.length = 0
    const docs = await db.collection('nums').find({}, { batchSize: 40 }).toArray()
    assert.deepEqual(docs.map((d) => d.i), Array.from({ length: 250 }, (_, i) => i))
    assert.equal(commands('getMore').length, 6)
    assert.ok(commands('getMore').every((e) => e.command.batchSize === 40))
  })

  it('iterates a cursor document by document', async () => {
    let count = 0
    for await (const doc of db.collection('nums').find({ even: true }, { batchSize: 7 })) {
      assert.equal(doc.even, true)
      count++
    }
    assert.equal(count, 125)
  })

  it('cursor.close() kills the server cursor', async () => {
    started.length = 0
    succeeded.length = 0
    const cursor = db.collection('nums').find({}, { batchSize: 10 })
    assert.ok(await cursor.next())
    await cursor.close()
    const kill = commands('killCursors')
    assert.equal(kill.length, 1)
    const reply = succeeded.find((e) => e.commandName === 'killCursors')?.reply as { cursorsKilled: unknown[] }
    assert.equal(reply.cursorsKilled.length, 1)
  })

  it('getMore on a killed cursor fails with CursorNotFound (43)', async () => {
    const first = await db.command({ find: 'nums', batchSize: 2 })
    const id = first.cursor.id
    await db.command({ killCursors: 'nums', cursors: [id] })
    await assert.rejects(db.command({ getMore: id, collection: 'nums' }), (err: { code?: number }) => err.code === 43)
  })

  it('an exhausted first batch returns cursor id 0 and no getMore', async () => {
    started.length = 0
    const docs = await db.collection('nums').find({ i: { $lt: 5 } }).toArray()
    assert.equal(docs.length, 5)
    assert.equal(commands('getMore').length, 0)
  })

  it('sorts ascending and descending, on several keys', async () => {
    const asc = await db.collection('nums').find({}, { sort: { i: 1 }, limit: 3 }).toArray()
    assert.deepEqual(asc.map((d) => d.i), [0, 1, 2])
    const desc = await db.collection('nums').find().sort({ i: -1 }).limit(3).toArray()
    assert.deepEqual(desc.map((d) => d.i), [249, 248, 247])
    const multi = await db.collection('nums').find({ i: { $lt: 6 } }).sort({ even: -1, i: -1 }).toArray()
    assert.deepEqual(multi.map((d) => d.i), [4, 2, 0, 5, 3, 1])
  })

  it('skips and limits after sorting', async () => {
    const docs = await db.collection('nums').find().sort({ i: -1 }).skip(10).limit(5).toArray()
    assert.deepEqual(docs.map((d) => d.i), [239, 238, 237, 236, 235])
  })

  it('skip past the end returns nothing', async () => {
    assert.deepEqual(await db.collection('nums').find().skip(1000).toArray(), [])
  })

  it('limit with a larger batchSize returns exactly limit documents', async () => {
    const docs = await db.collection('nums').find({}, { limit: 120, batchSize: 500 }).toArray()
    assert.equal(docs.length, 120)
  })

  it('sorts missing and null before numbers before strings', async () => {
    const c = db.collection('mixed_sort')
    await c.insertMany([{ k: 1, v: 'b' }, { k: 2, v: 3 }, { k: 3 }, { k: 4, v: null }, { k: 5, v: 'a' }, { k: 6, v: 1 }])
    const docs = await c.find().sort({ v: 1, k: 1 }).toArray()
    assert.deepEqual(docs.map((d) => d.k), [3, 4, 6, 2, 5, 1])
  })

  it('projects included fields with _id first', async () => {
    const doc = await db.collection('nums').findOne({ i: 3 }, { projection: { name: 1 } })
    assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'name'])
    assert.equal(doc?.name, 'n003')
  })

  it('projects excluded fields and can drop _id', async () => {
    const doc = await db.collection('nums').findOne({ i: 3 }, { projection: { _id: 0, even: 0 } })
    assert.deepEqual(doc, { i: 3, name: 'n003' })
  })

  it('projects embedded fields, $slice and $elemMatch', async () => {
    const c = db.collection('proj')
    await c.insertOne({ _id: 1 as never, a: { b: 1, c: 2 }, arr: [1, 2, 3, 4], items: [{ k: 1 }, { k: 2 }] })
    assert.deepEqual(await c.findOne({ _id: 1 as never }, { projection: { 'a.b': 1 } }), { _id: 1, a: { b: 1 } })
    assert.deepEqual(await c.findOne({ _id: 1 as never }, { projection: { arr: { $slice: -2 }, _id: 0, a: 0, items: 0 } }), { arr: [3, 4] })
    assert.deepEqual(await c.findOne({ _id: 1 as never }, { projection: { arr: { $slice: [1, 2] } } }), { _id: 1, a: { b: 1, c: 2 }, arr: [2, 3], items: [{ k: 1 }, { k: 2 }] })
    assert.deepEqual(await c.findOne({ _id: 1 as never }, { projection: { items: { $elemMatch: { k: 2 } } } }), { _id: 1, items: [{ k: 2 }] })
  })

  it('projects the matched array element with the positional $', async () => {
    const c = db.collection('proj_positional')
    await c.insertOne({ _id: 1 as never, grades: [70, 85, 92] })
    assert.deepEqual(await c.findOne({ grades: { $gte: 80 } }, { projection: { 'grades.$': 1 } }), { _id: 1, grades: [85] })
  })

  it('returns a single batch when asked', async () => {
    const reply = await db.command({ find: 'nums', batchSize: 10, singleBatch: true })
    assert.equal(reply.cursor.firstBatch.length, 10)
    assert.equal(Number(reply.cursor.id), 0)
  })
})
