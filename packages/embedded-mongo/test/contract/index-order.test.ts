import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Double, Long, type Collection, type Db, type Document } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

// A small seeded generator, so a failure can be replayed.
function random (seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

// Documents with many ties, mixed numeric types, strings, dates, nulls and missing fields.
function documents (n: number, seed: number): Row[] {
  const r = random(seed)
  const out: Row[] = []
  for (let i = 0; i < n; i++) {
    const doc: Row = { _id: i, n: Math.floor(r() * 20), g: ['a', 'b', 'c'][Math.floor(r() * 3)], at: new Date(1_700_000_000_000 + Math.floor(r() * 50) * 1000) }
    const kind = r()
    if (kind < 0.1) doc.x = null
    else if (kind < 0.3) doc.x = new Long(Math.floor(r() * 10))
    else if (kind < 0.45) doc.x = new Double(Math.floor(r() * 10) + 0.5)
    else if (kind < 0.6) doc.x = `s${Math.floor(r() * 10)}`
    else if (kind < 0.9) doc.x = Math.floor(r() * 10)
    out.push(doc)
  }
  return out
}

type Row = Document & { _id: number }

const ids = (docs: Document[]): unknown[] => docs.map((d) => d._id)

describe('contract: finds sorted and ranged by an index', () => {
  let env: ContractDb
  let db: Db
  let indexed: Collection<Row>
  let plain: Collection<Row>
  before(async () => {
    env = await openContractDb('index_order')
    db = env.db
    indexed = db.collection<Row>('indexed')
    plain = db.collection<Row>('plain')
    const docs = documents(600, 7)
    await indexed.createIndex({ x: 1 })
    await indexed.createIndex({ g: 1, n: -1 })
    await indexed.createIndex({ at: -1 })
    await indexed.insertMany(docs.map((d) => ({ ...d })))
    await plain.insertMany(docs.map((d) => ({ ...d })))
    // Writes after the first ordered read keep the index's order in step.
    await indexed.find({}).sort({ x: 1 }).limit(1).toArray()
    await indexed.find({}).sort({ _id: -1 }).limit(1).toArray()
    for (const c of [indexed, plain]) {
      await c.updateMany({ n: 3 }, { $set: { x: 4.25 } })
      await c.deleteMany({ n: 4 })
      await c.insertMany([{ _id: 1000, x: 2, n: 1, g: 'b' }, { _id: 1001, x: 's1', n: 19, g: 'a' }, { _id: -1, n: 0, g: 'c' }])
    }
  })
  after(async () => { await env.close() })

  // The same query on the indexed and the unindexed collection returns the same documents in the same order.
  async function same (filter: Document, sort: Document, skip = 0, limit = 0): Promise<Document[]> {
    const run = (c: Collection<Row>) => c.find(filter).sort(sort).skip(skip).limit(limit).toArray()
    const [a, b] = await Promise.all([run(indexed), run(plain)])
    assert.deepEqual(ids(a), ids(b), `${JSON.stringify(filter)} sorted by ${JSON.stringify(sort)} skip ${skip} limit ${limit}`)
    return a
  }

  it('sort + limit on a single-field index, both directions, ties included', async () => {
    for (const dir of [1, -1]) {
      for (const limit of [1, 7, 50, 0]) {
        const docs = await same({}, { x: dir }, 0, limit)
        if (limit > 0) assert.equal(docs.length, limit)
      }
    }
    const firsts = await same({}, { x: 1 }, 0, 5)
    assert.equal(firsts[0]?.x, undefined, 'missing and null sort first')
  })

  it('sort on _id and on a descending index, with skip', async () => {
    for (const sort of [{ _id: 1 }, { _id: -1 }, { at: -1 }, { at: 1 }]) {
      for (const skip of [0, 3, 595]) await same({}, sort, skip, 20)
    }
  })

  it('compound index: the full key, its prefix, its reverse, and a sort after an equality', async () => {
    for (const sort of [{ g: 1, n: -1 }, { g: -1, n: 1 }, { g: 1 }, { g: -1 }]) await same({}, sort, 0, 30)
    for (const sort of [{ n: -1 }, { n: 1 }, { g: 1, n: -1 }]) await same({ g: 'b' }, sort, 2, 25)
    await same({ g: 'c', n: { $gte: 5, $lt: 12 } }, { n: -1 }, 0, 10)
    // A sort the index does not give (mixed directions) is still right.
    await same({}, { g: 1, n: 1 }, 0, 30)
  })

  it('range pages ($gt/$gte/$lt/$lte) seek into the index, within the bound type', async () => {
    await same({ x: { $gt: 3 } }, { x: 1 }, 0, 10)
    await same({ x: { $gte: 3, $lt: 7 } }, { x: -1 }, 0, 0)
    await same({ x: { $lte: 's4' } }, { x: -1 }, 0, 0)
    await same({ x: { $gt: 's2' } }, { x: 1 }, 1, 3)
    const page = await same({ x: { $gt: 5 } }, { x: 1 }, 0, 0)
    assert.ok(page.every((d) => typeof d.x === 'number'), 'a numeric bound matches numbers only')
    const last = await same({}, { at: -1 }, 0, 50)
    await same({ at: { $lt: last.at(-1)?.at } }, { at: -1 }, 0, 50)
    // Without a sort, a range reads the index but answers in natural order, as a scan does.
    await same({ x: { $gt: 2, $lte: 6 } }, {}, 0, 0)
    await same({ g: 'a' }, {}, 0, 0)
  })

  it('a sort an index gives in part (the admin\'s { at: -1, _id: -1 }), with range pagination by $or', async () => {
    for (const sort of [{ at: -1, _id: -1 }, { at: 1, _id: 1 }, { x: 1, n: -1 }, { g: 1, _id: -1 }]) await same({}, sort, 0, 51)
    let page = await same({}, { at: -1, _id: -1 }, 0, 51)
    for (let i = 0; i < 5; i++) {
      const last = page.at(-1) as Row
      page = await same({ $or: [{ at: { $lt: last.at } }, { at: last.at, _id: { $lt: last._id } }] }, { at: -1, _id: -1 }, 0, 51)
    }
    const last = page.at(-1) as Row
    await same({ $and: [{ g: 'b' }, { $or: [{ at: { $gt: last.at } }, { at: last.at, _id: { $gt: last._id } }] }] }, { at: 1, _id: 1 }, 0, 51)
  })

  it('randomised filters and sorts give what the unindexed collection gives', async () => {
    const r = random(99)
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T
    for (let i = 0; i < 60; i++) {
      const filter = pick<Document>([{}, { x: { $gt: pick([1, 4, 's3']) } }, { x: { $lt: pick([2, 8, 's7']) } }, { g: pick(['a', 'b']) }, { n: { $lt: 10 } }, { g: 'a', n: { $gt: 7 } }])
      const sort = pick<Document>([{ x: 1 }, { x: -1 }, { _id: -1 }, { at: -1 }, { g: 1, n: -1 }, { n: -1 }, { at: -1, _id: -1 }, { g: -1, x: 1 }])
      await same(filter, sort, pick([0, 0, 5]), pick([0, 1, 10, 100]))
    }
  })

  it('getMore batches continue the walk in order', async () => {
    const cursor = indexed.find({ x: { $gte: 0 } }).sort({ x: -1 }).batchSize(7)
    const all = await cursor.toArray()
    const expected = await plain.find({ x: { $gte: 0 } }).sort({ x: -1 }).toArray()
    assert.deepEqual(ids(all), ids(expected))
    const limited = await indexed.find({}).sort({ at: -1 }).limit(30).batchSize(4).toArray()
    assert.deepEqual(ids(limited), ids(await plain.find({}).sort({ at: -1 }).limit(30).toArray()))
  })

  it('aggregate $match + $sort + $skip + $limit reads the index in order', async () => {
    const pipeline = [{ $match: { g: 'a' } }, { $sort: { n: -1 } }, { $skip: 2 }, { $limit: 9 }, { $project: { n: 1 } }]
    const [a, b] = await Promise.all([indexed.aggregate(pipeline).toArray(), plain.aggregate(pipeline).toArray()])
    assert.deepEqual(a, b)
    assert.equal(a.length, 9)
    const bySort = [{ $sort: { x: -1 } }, { $limit: 5 }]
    assert.deepEqual(await indexed.aggregate(bySort).toArray(), await plain.aggregate(bySort).toArray())
  })

  it('updateOne and findOneAndUpdate with a sort change the first document in sort order', async () => {
    const c = db.collection<{ _id: number, rank: number }>('update_sort')
    await c.createIndex({ rank: -1 })
    await c.insertMany([{ _id: 1, rank: 5 }, { _id: 2, rank: 9 }, { _id: 3, rank: 9 }, { _id: 4, rank: 1 }])
    await c.updateOne({}, { $set: { top: true } }, { sort: { rank: -1 } })
    assert.deepEqual(ids(await c.find({ top: true }).toArray()), [2])
    const low = await c.findOneAndUpdate({ rank: { $gt: 1 } }, { $set: { low: true } }, { sort: { rank: 1 } })
    assert.equal(low?._id, 1)
  })
})

describe('contract: which indexes may serve a sort', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('index_order_rules'); db = env.db })
  after(async () => { await env.close() })

  it('an index with a collation serves only queries of that collation', async () => {
    const c = db.collection<{ _id: number, name: string }>('collated')
    await c.createIndex({ name: 1 }, { collation: { locale: 'en', strength: 2 } })
    await c.insertMany([{ _id: 1, name: 'b' }, { _id: 2, name: 'B' }, { _id: 3, name: 'a' }, { _id: 4, name: 'C' }, { _id: 5, name: 'A' }])
    // Simple collation: code-point order, capitals first.
    assert.deepEqual(ids(await c.find({}).sort({ name: 1 }).limit(5).toArray()), [5, 2, 4, 3, 1])
    assert.deepEqual(ids(await c.find({ name: { $gt: 'B' } }).sort({ name: 1 }).toArray()), [4, 3, 1])
    // The index's collation: case-insensitive order, ties in natural order.
    const en = { locale: 'en', strength: 2 }
    assert.deepEqual(ids(await c.find({}).sort({ name: 1 }).collation(en).limit(5).toArray()), [3, 5, 1, 2, 4])
    assert.deepEqual(ids(await c.find({ name: { $gt: 'a' } }).sort({ name: -1 }).collation(en).toArray()), [4, 1, 2])
  })

  it('a sparse index does not serve a sort that must include documents without the field, unless hinted', async () => {
    const c = db.collection<{ _id: number, tag?: string }>('sparse')
    await c.createIndex({ tag: 1 }, { sparse: true })
    await c.insertMany([{ _id: 1, tag: 'b' }, { _id: 2 }, { _id: 3, tag: 'a' }, { _id: 4, tag: 'c' }])
    assert.deepEqual(ids(await c.find({}).sort({ tag: 1 }).toArray()), [2, 3, 1, 4])
    assert.deepEqual(ids(await c.find({}).sort({ tag: -1 }).limit(3).toArray()), [4, 1, 3])
    // Told to use it, MongoDB walks the sparse index: documents without the field are not in it.
    assert.deepEqual(ids(await c.find({}).sort({ tag: 1 }).hint('tag_1').toArray()), [3, 1, 4])
    assert.deepEqual(ids(await c.find({}).sort({ tag: 1 }).hint({ $natural: 1 }).toArray()), [2, 3, 1, 4])
    // A field present with null is in a sparse index; only a missing one is left out.
    await c.insertOne({ _id: 5, tag: null } as unknown as { _id: number, tag?: string })
    assert.deepEqual(ids(await c.find({}).sort({ tag: 1 }).hint('tag_1').toArray()), [5, 3, 1, 4])
  })

  it('a unique sparse index refuses a second null, not a second missing field', async () => {
    const c = db.collection<{ _id: number, code?: string | null }>('sparse_unique')
    await c.createIndex({ code: 1 }, { unique: true, sparse: true })
    await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, code: null }])
    await assert.rejects(c.insertOne({ _id: 4, code: null }), (err: { code?: number }) => err.code === 11000)
  })

  it('an index over arrays sorts by the smallest element ascending and the largest descending', async () => {
    const c = db.collection<{ _id: number, v: number | number[] }>('multikey')
    await c.createIndex({ v: 1 })
    await c.insertMany([{ _id: 1, v: [5, 1] }, { _id: 2, v: 3 }, { _id: 3, v: [2, 9] }, { _id: 4, v: [] }])
    assert.deepEqual(ids(await c.find({}).sort({ v: 1 }).toArray()), [4, 1, 3, 2])
    assert.deepEqual(ids(await c.find({}).sort({ v: -1 }).limit(2).toArray()), [3, 1])
    assert.deepEqual(ids(await c.find({ v: { $gt: 4 } }).sort({ v: 1 }).toArray()), [1, 3])
  })
})
