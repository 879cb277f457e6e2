import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Binary } from 'bson'
import { parseCollation } from './collation.js'
import { Collection } from './collection.js'
import { Index } from './indexes.js'
import { planOrder } from './order-plan.js'
import { TypeEdge } from './ordered-keys.js'

const p = (v: unknown): string => v instanceof TypeEdge ? 'edge' : String(v)

describe('planOrder', () => {
  const at = new Index({ key: { at: -1 }, name: 'at_-1' })
  const compound = new Index({ key: { g: 1, n: -1 }, name: 'g_1_n_-1' })
  const sparse = new Index({ key: { tag: 1 }, name: 'tag_1', sparse: true })
  const en = parseCollation({ locale: 'en', strength: 2 }) ?? undefined
  const collated = new Index({ key: { name: 1 }, name: 'name_1', collation: { locale: 'en', strength: 2 } })
  const indexes = [at, compound, sparse, collated]
  const plan = (filter: Record<string, unknown>, sort: Record<string, number>, collation = undefined as typeof en, hint?: unknown): string => {
    const p = planOrder(filter, sort, indexes, collation, hint)
    return p === undefined ? 'none' : `${p.index?.name ?? '_id'} ${p.forward ? 'fwd' : 'back'} ${p.sorted ? 'sorted' : 'range'}`
  }

  it('walks an index whose fields give the sort, either way', () => {
    assert.equal(plan({}, { at: -1 }), 'at_-1 fwd sorted')
    assert.equal(plan({}, { at: 1 }), 'at_-1 back sorted')
    assert.equal(plan({}, { _id: -1 }), '_id back sorted')
    assert.equal(plan({}, { g: 1 }), 'g_1_n_-1 fwd sorted')
    assert.equal(plan({}, { g: -1, n: 1 }), 'g_1_n_-1 back sorted')
    assert.equal(plan({ g: 'a' }, { n: 1 }), 'g_1_n_-1 back sorted')
    assert.equal(plan({}, { n: 1 }), 'none')
  })

  it('gives a sort\'s leading fields and leaves the rest to each run of ties', () => {
    const p = planOrder({}, { at: -1, _id: -1 }, indexes, undefined)
    assert.equal(p?.index?.name, 'at_-1')
    assert.deepEqual(p?.rest, { _id: -1 })
    assert.deepEqual(planOrder({}, { g: 1, n: 1 }, indexes, undefined)?.rest, { n: 1 })
  })

  it('bounds a walk by $and parts and by the union of $or branches (range pagination)', () => {
    const last = new Date(1_700_000_000_000)
    const page = planOrder({ $or: [{ at: { $lt: last } }, { at: last, _id: { $lt: 5 } }] }, { at: -1, _id: -1 }, indexes, undefined)
    assert.equal(p(page?.hi[0]), 'edge')
    assert.equal(page?.lo[0], last)
    const within = planOrder({ $and: [{ g: 'a' }, { n: { $gt: 3 } }] }, {}, indexes, undefined)
    // n runs descending in the index: the walk ends at 3.
    assert.deepEqual(within?.hi, ['a', 3])
    assert.equal(planOrder({ $or: [{ at: { $lt: last } }, { x: 1 }] }, {}, indexes, undefined), undefined)
  })

  it('seeks ranges and leading equalities without a sort', () => {
    assert.equal(plan({ at: { $lt: new Date() } }, {}), 'at_-1 fwd range')
    assert.equal(plan({ g: 'a' }, {}), 'g_1_n_-1 fwd range')
    assert.equal(plan({ n: 1 }, {}), 'none')
    assert.equal(plan({ at: { $ne: 1 } }, {}), 'none')
    assert.equal(plan({ at: { $gt: [1] } }, {}), 'none')
  })

  it('keeps to the query collation, and to sparse indexes only when hinted', () => {
    assert.equal(plan({}, { name: 1 }), 'none')
    assert.equal(plan({}, { name: 1 }, en), 'name_1 fwd sorted')
    // As MongoDB: an index of the simple collation cannot order a collated query (values may be strings).
    assert.equal(plan({}, { at: 1 }, en), 'none')
    assert.equal(plan({}, { tag: 1 }), 'none')
    assert.equal(plan({}, { tag: 1 }, undefined, 'tag_1'), 'tag_1 fwd sorted')
    assert.equal(plan({}, { at: 1 }, undefined, { $natural: 1 }), 'none')
    assert.equal(plan({}, { at: 1 }, undefined, { g: 1, n: -1 }), 'none')
  })
})

describe('Collection.findSorted', () => {
  const collection = (): Collection => new Collection('db', 'c', {}, new Binary(Buffer.alloc(16), 4), () => {})

  it('reads an indexed sort in order, and gives none once the index holds an array', () => {
    const c = collection()
    c.addIndex({ key: { v: 1 }, name: 'v_1' })
    for (let i = 0; i < 1000; i++) c.insert({ _id: i, v: i % 10 })
    const top = c.findSorted({}, { v: -1 }, 3)
    assert.deepEqual(top?.map((e) => e.obj._id), [9, 19, 29])
    // Kept in step with writes after the first ordered read.
    const [first] = c.find({ _id: 19 })
    if (first !== undefined) c.replace(first, { _id: 19, v: 100 })
    c.insert({ _id: 'new', v: 50 })
    assert.deepEqual(c.findSorted({}, { v: -1 }, 3)?.map((e) => e.obj._id), [19, 'new', 9])
    // An `_id` or full-key equality is looked up, then sorted: no walk.
    assert.equal(c.findSorted({ _id: 5 }, { v: -1 }, 3), undefined)
    assert.equal(c.findSorted({ v: 5 }, { _id: 1 }, 3), undefined)
    c.insert({ _id: 'array', v: [1, 2] })
    assert.equal(c.findSorted({}, { v: -1 }, 3), undefined)
    const [array] = c.find({ _id: 'array' })
    if (array !== undefined) c.remove(array)
    assert.deepEqual(c.findSorted({ v: { $lt: 1 } }, { v: 1 }, 2)?.map((e) => e.obj._id), [0, 10])
  })
})
