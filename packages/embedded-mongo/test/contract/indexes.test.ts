import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Db, MongoServerError } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

const isDuplicate = (keyValue: object, index: RegExp) => (err: MongoServerError): boolean => {
  assert.equal(err.code, 11000)
  assert.match(err.message, index)
  assert.deepEqual(err.keyValue, keyValue)
  return true
}

describe('contract: indexes', () => {
  let env: ContractDb
  let db: Db
  before(async () => { env = await openContractDb('indexes'); db = env.db })
  after(async () => { await env.close() })

  it('createIndex returns the generated name and listIndexes shows it after _id_', async () => {
    const c = db.collection('list')
    assert.equal(await c.createIndex({ name: 1, age: -1 }), 'name_1_age_-1')
    const indexes = await c.listIndexes().toArray()
    assert.deepEqual(indexes.map((i) => i.name), ['_id_', 'name_1_age_-1'])
    assert.deepEqual(indexes[1]?.key, { name: 1, age: -1 })
  })

  it('a unique index rejects duplicates with the E11000 message, keyPattern and keyValue', async () => {
    const c = db.collection('unique')
    await c.createIndex({ email: 1 }, { unique: true })
    await c.insertOne({ email: 'a@x' })
    await assert.rejects(c.insertOne({ email: 'a@x' }), (err: MongoServerError) => {
      assert.equal(err.code, 11000)
      assert.match(err.message, /^E11000 duplicate key error collection: \S+\.unique index: email_1 dup key: \{ email: "a@x" \}$/)
      assert.deepEqual(err.keyPattern, { email: 1 })
      assert.deepEqual(err.keyValue, { email: 'a@x' })
      return true
    })
  })

  it('a unique index also guards updates and upserts', async () => {
    const c = db.collection('unique_updates')
    await c.createIndex({ slug: 1 }, { unique: true })
    await c.insertMany([{ slug: 'a' }, { slug: 'b' }])
    await assert.rejects(c.updateOne({ slug: 'b' }, { $set: { slug: 'a' } }), isDuplicate({ slug: 'a' }, /slug_1/))
    await assert.rejects(c.updateOne({ other: 1 }, { $set: { slug: 'b' } }, { upsert: true }), isDuplicate({ slug: 'b' }, /slug_1/))
    await c.updateOne({ slug: 'b' }, { $set: { slug: 'c' } })
    await c.insertOne({ slug: 'b' })
    assert.equal(await c.countDocuments(), 3)
  })

  it('a compound unique index only rejects the same combination', async () => {
    const c = db.collection('compound')
    await c.createIndex({ org: 1, user: 1 }, { unique: true })
    await c.insertMany([{ org: 1, user: 'a' }, { org: 1, user: 'b' }, { org: 2, user: 'a' }])
    await assert.rejects(c.insertOne({ org: 1, user: 'b' }), isDuplicate({ org: 1, user: 'b' }, /index: org_1_user_1 dup key: \{ org: 1, user: "b" \}/))
  })

  it('a unique index treats a missing field as null, unless sparse', async () => {
    const plain = db.collection('missing_plain')
    await plain.createIndex({ code: 1 }, { unique: true })
    await plain.insertOne({ x: 1 })
    await assert.rejects(plain.insertOne({ x: 2 }), isDuplicate({ code: null }, /code_1/))
    const sparse = db.collection('missing_sparse')
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true })
    await sparse.insertMany([{ x: 1 }, { x: 2 }])
    assert.equal(await sparse.countDocuments(), 2)
  })

  it('a unique index on an array field keys every element', async () => {
    const c = db.collection('multikey')
    await c.createIndex({ tags: 1 }, { unique: true })
    await c.insertOne({ tags: ['a', 'b'] })
    await assert.rejects(c.insertOne({ tags: ['c', 'b'] }), isDuplicate({ tags: 'b' }, /tags_1/))
  })

  it('creating a unique index over existing duplicates fails and leaves no index', async () => {
    const c = db.collection('build_fail')
    await c.insertMany([{ k: 1 }, { k: 1 }])
    await assert.rejects(c.createIndex({ k: 1 }, { unique: true }), (err: MongoServerError) => err.code === 11000)
    assert.deepEqual((await c.listIndexes().toArray()).map((i) => i.name), ['_id_'])
  })

  it('creating the same index twice is a no-op; same name with another key fails', async () => {
    const c = db.collection('twice')
    await c.createIndex({ a: 1 }, { name: 'my_a' })
    assert.equal(await c.createIndex({ a: 1 }, { name: 'my_a' }), 'my_a')
    await assert.rejects(c.createIndex({ b: 1 }, { name: 'my_a' }), (err: MongoServerError) => err.code === 86)
  })

  it('dropIndex by name or key, and dropIndexes drops all but _id_', async () => {
    const c = db.collection('drop')
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }])
    await c.dropIndex('a_1')
    await c.dropIndex({ b: 1 } as never)
    assert.deepEqual((await c.listIndexes().toArray()).map((i) => i.name), ['_id_', 'c_1'])
    await c.dropIndexes()
    assert.deepEqual((await c.listIndexes().toArray()).map((i) => i.name), ['_id_'])
  })

  it('dropping a missing index fails with IndexNotFound (27)', async () => {
    const c = db.collection('drop_missing')
    await c.insertOne({})
    await assert.rejects(c.dropIndex('nope_1'), (err: MongoServerError) => err.code === 27)
  })

  it('dropping an index lifts its uniqueness', async () => {
    const c = db.collection('drop_unique')
    await c.createIndex({ k: 1 }, { unique: true })
    await c.insertOne({ k: 1 })
    await c.dropIndex('k_1')
    await c.insertOne({ k: 1 })
    assert.equal(await c.countDocuments({ k: 1 }), 2)
  })

  it('equality queries on indexed fields return the right documents', async () => {
    const c = db.collection('indexed_lookup')
    await c.createIndex({ user: 1 })
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ user: `u${i % 5}`, i })))
    assert.equal(await c.countDocuments({ user: 'u3' }), 10)
    assert.deepEqual((await c.find({ user: 'u3', i: { $gte: 40 } }).toArray()).map((d) => d.i), [43, 48])
    await c.updateMany({ user: 'u3' }, { $set: { user: 'moved' } })
    assert.equal(await c.countDocuments({ user: 'u3' }), 0)
    assert.equal(await c.countDocuments({ user: 'moved' }), 10)
  })

  it('null equality on an indexed path also finds documents missing the field', async () => {
    const c = db.collection('indexed_null')
    await c.createIndex({ 'items.k': 1 })
    await c.insertMany([{ n: 2, items: [{ k: 2 }] }, { n: 3 }, { n: 4, items: [{ k: null }] }, { n: 5, items: { k: null } }])
    assert.deepEqual((await c.find({ 'items.k': null }).toArray()).map((d) => d.n), [3, 4, 5])
    assert.deepEqual((await c.find({ 'items.k': 2 }).toArray()).map((d) => d.n), [2])
  })

  it('listIndexes on a missing collection fails with NamespaceNotFound (26)', async () => {
    await assert.rejects(db.collection('does_not_exist').listIndexes().toArray(), (err: MongoServerError) => err.code === 26)
  })
})
