import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Decimal128, Double, Int32, Long, type Db } from 'mongodb'
import { openContractDb, type ContractDb } from './helpers.js'

const D = (s: string): Decimal128 => Decimal128.fromString(s)

describe('contract: numbers compare by value across Int32, Int64, Double and Decimal128', () => {
  let env: ContractDb
  let db: Db
  before(async () => {
    env = await openContractDb('numbers')
    db = env.db
    await db.collection('mixed').insertMany([
      { _id: 'int', v: new Int32(10) },
      { _id: 'long-big', v: Long.fromString('9007199254740993') },
      { _id: 'long', v: Long.fromNumber(9) },
      { _id: 'double', v: new Double(9.5) },
      { _id: 'dec', v: D('100.25') },
      { _id: 'dec-small', v: D('-0.001') },
      { _id: 'long-neg', v: Long.fromNumber(-2) },
    ] as never[])
  })
  after(async () => { await env.close() })

  it('sorts mixed numeric types by value, not by their text', async () => {
    const asc = await db.collection('mixed').find().sort({ v: 1 }).toArray()
    assert.deepEqual(asc.map((d) => d._id), ['long-neg', 'dec-small', 'long', 'double', 'int', 'dec', 'long-big'])
    const agg = await db.collection('mixed').aggregate([{ $sort: { v: -1 } }, { $limit: 2 }]).toArray()
    assert.deepEqual(agg.map((d) => d._id), ['long-big', 'dec'])
  })

  it('compares Long and Decimal128 by value in ranges and equality', async () => {
    const c = db.collection('mixed')
    assert.deepEqual((await c.find({ v: { $gt: 9.2 } }).sort({ v: 1 }).toArray()).map((d) => d._id), ['double', 'int', 'dec', 'long-big'])
    assert.deepEqual((await c.find({ v: { $lt: D('0') } }).sort({ v: 1 }).toArray()).map((d) => d._id), ['long-neg', 'dec-small'])
    assert.deepEqual((await c.find({ v: Long.fromNumber(10) }).toArray()).map((d) => d._id), ['int'])
    assert.deepEqual((await c.find({ v: D('9.50') }).toArray()).map((d) => d._id), ['double'])
    assert.deepEqual((await c.find({ v: { $in: [D('9'), 100.25] } }).sort({ _id: 1 }).toArray()).map((d) => d._id), ['dec', 'long'])
    assert.equal(await c.countDocuments({ v: { $gt: Long.fromString('9007199254740992') } }), 1)
  })

  it('an _id of 5 and an _id of Decimal128 5.0 are the same key', async () => {
    const c = db.collection('num_ids')
    await c.insertOne({ _id: 5 as never })
    await assert.rejects(c.insertOne({ _id: D('5.0') as never }), { code: 11000 })
  })

  it('$type, $toDecimal, $convert and arithmetic keep Decimal128 precision', async () => {
    const c = db.collection('decimals')
    await c.insertOne({ _id: 1 as never, a: D('0.1'), b: D('0.2'), big: D('1234567890123456789012345678.901234'), l: Long.fromString('9007199254740993') })
    const [row] = await c.aggregate([{
      $project: {
        _id: 0,
        sum: { $add: ['$a', '$b'] },
        big: { $add: ['$big', D('0.000001')] },
        prod: { $multiply: ['$a', 3] },
        quot: { $divide: [D('1'), D('4')] },
        diff: { $subtract: ['$big', '$big'] },
        longSum: { $add: ['$l', 2] },
        type: { $type: '$a' },
        typeLong: { $type: '$l' },
        dec: { $toDecimal: '12.345678901234567890' },
        conv: { $convert: { input: '$l', to: 'decimal' } },
      },
    }]).toArray()
    assert.equal(row?.sum.toString(), '0.3')
    assert.equal(row?.big.toString(), '1234567890123456789012345678.901235')
    assert.equal(row?.prod.toString(), '0.3')
    assert.equal(row?.quot.toString(), '0.25')
    assert.equal(Number(row?.diff.toString()), 0)
    assert.equal(String(row?.longSum), '9007199254740995')
    assert.equal(row?.type, 'decimal')
    assert.equal(row?.typeLong, 'long')
    assert.ok(row?.dec instanceof Decimal128)
    assert.equal(row?.dec.toString(), '12.345678901234567890')
    assert.equal(row?.conv.toString(), '9007199254740993')
  })

  it('$inc and $mul on Decimal128 fields stay exact, and $sum adds decimals exactly', async () => {
    const c = db.collection('dec_update')
    await c.insertMany([{ _id: 1, p: D('0.1') }, { _id: 2, p: D('0.2') }] as never[])
    await c.updateOne({ _id: 1 as never }, { $inc: { p: D('0.2') } })
    assert.equal((await c.findOne({ _id: 1 as never }))?.p.toString(), '0.3')
    await c.updateOne({ _id: 2 as never }, { $mul: { p: D('1.5') } })
    assert.equal((await c.findOne({ _id: 2 as never }))?.p.toString(), '0.30')
    const [total] = await c.aggregate([{ $group: { _id: null, t: { $sum: '$p' } } }]).toArray()
    assert.equal(Number(total?.t.toString()), 0.6)
    assert.ok(total?.t instanceof Decimal128)
  })
})
