import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID, type Db, type Document } from 'mongodb'
import type { TaoApp } from '@tao/core'
import { notesApp } from './helpers.js'

// The embedded store runs in the app's process: app.db / req.db answer findOne({ _id }) from it
// without the wire. These tests hold that shortcut to the driver's results.

async function memoryApp (t: { after: (fn: () => Promise<void>) => void }): Promise<TaoApp> {
  const app = await notesApp(undefined, { database: { url: 'memory' } })
  t.after(() => app.close())
  await app.ready()
  return app
}

/** Counts the connections the driver checks out of its pool (every operation on the wire takes one). */
function wireUse (app: TaoApp): { count: () => number } {
  let n = 0
  app.mongo.on('connectionCheckedOut', () => { n++ })
  return { count: () => n }
}

// The same database through the driver alone: a Db from MongoClient.db().
const driverDb = (app: TaoApp): Db => app.mongo.db(app.db.databaseName)

const SAMPLES: Document[] = [
  { _id: new ObjectId(), text: 'héllo ✓', n: 42, x: 1.5, big: Long.fromString('9007199254740993'), small: Long.fromNumber(7), i: new Int32(3), d: new Double(2), dec: Decimal128.fromString('1.10') },
  { _id: 'a-string-id', at: new Date(1_700_000_000_000), bin: new Binary(Buffer.from([1, 2, 3])), uuid: new UUID(), re: /ab+c/i, ts: new Timestamp({ t: 5, i: 1 }), nil: null, lo: new MinKey(), hi: new MaxKey() },
  { _id: 12345, nested: { a: [1, { b: [new Date(0), 'x'] }], empty: {} }, list: [] },
  { _id: new Date(86_400_000), v: true },
]

test('findOne({ _id }) on app.db skips the wire and returns what the driver returns', async (t) => {
  const app = await memoryApp(t)
  await driverDb(app).collection('samples').insertMany(SAMPLES)
  const wire = wireUse(app)
  for (const doc of SAMPLES) {
    const local = await app.db.collection('samples').findOne({ _id: doc._id })
    const before = wire.count()
    const driver = await driverDb(app).collection('samples').findOne({ _id: doc._id })
    assert.ok(wire.count() > before, 'the driver path uses a connection')
    assert.deepEqual(local, driver)
    assert.notEqual(local, null)
  }
  assert.equal(await app.db.collection('samples').findOne({ _id: new ObjectId() }), null)
  assert.equal(await app.db.collection('no_such_collection').findOne({ _id: 'x' as never }), null)
  // Four found, two missing, and the driver's four reads: only those used a connection.
  assert.equal(wire.count(), SAMPLES.length)
})

test('the collection\'s BSON options apply as in the driver (promoteLongs, promoteValues)', async (t) => {
  const app = await memoryApp(t)
  await driverDb(app).collection('longs').insertOne({ _id: 1 as never, big: Long.fromNumber(5), i: 3 })
  for (const options of [{ promoteLongs: false }, { promoteValues: false }, { useBigInt64: true }]) {
    const local = await app.db.collection('longs', options).findOne({ _id: 1 as never })
    const driver = await driverDb(app).collection('longs', options).findOne({ _id: 1 as never })
    assert.deepEqual(local, driver, JSON.stringify(options))
  }
  const raw = await app.db.collection('longs', { raw: true }).findOne({ _id: 1 as never })
  assert.ok(Buffer.isBuffer(raw), 'raw: true returns the bytes, through the driver')
})

test('a returned document is the caller\'s: changing it (or its Binary) changes nothing stored', async (t) => {
  const app = await memoryApp(t)
  await app.db.collection('own').insertOne({ _id: 1 as never, bin: new Binary(Buffer.from([1, 2, 3])), tags: ['a'] })
  const first = await app.db.collection('own').findOne({ _id: 1 as never })
  assert.ok(first)
  ;(first.bin as Binary).buffer[0] = 99
  ;(first.tags as string[]).push('b')
  const again = await app.db.collection('own').findOne({ _id: 1 as never })
  assert.deepEqual([...(again?.bin as Binary).buffer], [1, 2, 3])
  assert.deepEqual(again?.tags, ['a'])
})

test('what the store cannot answer directly goes through the driver: views, collations, operators, options', async (t) => {
  const app = await memoryApp(t)
  const db = app.db
  await db.collection('people').insertMany([{ _id: 'ann' as never, age: 30 }, { _id: 'bob' as never, age: 40 }])
  const wire = wireUse(app)
  const uses = async <T>(fn: () => Promise<T>): Promise<T> => {
    const before = wire.count()
    const out = await fn()
    assert.ok(wire.count() > before, 'went through the driver')
    return out
  }
  // A view: its pipeline shapes the document.
  await db.createCollection('adults', { viewOn: 'people', pipeline: [{ $project: { age: 1, adult: { $gte: ['$age', 18] } } }] })
  assert.deepEqual(await uses(() => db.collection('adults').findOne({ _id: 'ann' as never })), { _id: 'ann', age: 30, adult: true })
  // A default collation folds the case of a string _id.
  await db.createCollection('folded', { collation: { locale: 'en', strength: 2 } })
  await db.collection('folded').insertOne({ _id: 'ABC' as never, v: 1 })
  assert.equal((await uses(() => db.collection('folded').findOne({ _id: 'abc' as never })))?.v, 1)
  // Operators, a second field, options.
  assert.equal((await uses(() => db.collection('people').findOne({ _id: { $in: ['bob'] } as never })))?.age, 40)
  assert.equal(await uses(() => db.collection('people').findOne({ _id: 'bob' as never, age: 41 })), null)
  assert.deepEqual(await uses(() => db.collection('people').findOne({ _id: 'bob' as never }, { projection: { _id: 0 } })), { age: 40 })
})

test('a request reads its document through req.db (the notes page)', async (t) => {
  const app = await memoryApp(t)
  const { insertedId } = await app.db.collection('notes').insertOne({ text: 'through <req.db>' })
  const wire = wireUse(app)
  const res = await app.inject(`/page/${insertedId.toHexString()}`)
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, '<h1>through <req.db></h1>')
  assert.equal(wire.count(), 0)
})

test("the request's deadline options keep the read local; a deadline already past fails as through the driver", async (t) => {
  const app = await memoryApp(t)
  await app.db.collection('people').insertOne({ _id: 'ann' as never, age: 30 })
  const wire = wireUse(app)
  const live = new AbortController()
  assert.equal((await app.db.collection('people').findOne({ _id: 'ann' as never }, { signal: live.signal, maxTimeMS: 900 }))?.age, 30)
  assert.equal(wire.count(), 0, 'the deadline options alone do not send the read over the wire')
  await assert.rejects(app.db.collection('people').findOne({ _id: 'ann' as never }, { signal: AbortSignal.abort(new Error('deadline passed')) }), /deadline passed|abort/i)
})
