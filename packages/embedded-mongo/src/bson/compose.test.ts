import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BSON, Double, Long, ObjectId } from 'bson'
import { rawArrayField } from './codec.js'
import { cursorReply, withIdFirst } from './compose.js'

describe('bson/compose', () => {
  it('builds a cursor reply around stored bytes', () => {
    const docs = [BSON.serialize({ a: 1 }), BSON.serialize({ b: 'x' })]
    const reply = BSON.deserialize(cursorReply('firstBatch', docs, { id: Long.fromNumber(7), ns: 'd.c' }), { promoteLongs: false })
    assert.deepEqual(reply, { cursor: { firstBatch: [{ a: 1 }, { b: 'x' }], id: Long.fromNumber(7), ns: 'd.c' }, ok: 1 })
  })

  it('writes the same bytes as the serializer, for both batch names and any count', () => {
    const objs = Array.from({ length: 12 }, (_, i) => ({ _id: i, s: 'é'.repeat(i) }))
    const id = Long.fromString('-81985529216486896')
    for (const name of ['firstBatch', 'nextBatch'] as const) {
      const expected = BSON.serialize({ cursor: { [name]: objs, id, ns: 'dé.c.x' }, ok: 1 })
      assert.deepEqual(cursorReply(name, objs.map((o) => BSON.serialize(o)), { id, ns: 'dé.c.x' }), Buffer.from(expected))
    }
  })

  it('moves _id first without re-encoding other values', () => {
    const id = new ObjectId()
    const raw = BSON.serialize({ d: new Double(5), s: 'x', _id: id })
    const moved = BSON.deserialize(withIdFirst(raw), { promoteValues: false })
    assert.deepEqual(Object.keys(moved), ['_id', 'd', 's'])
    assert.ok(moved.d instanceof Double)
    assert.equal(withIdFirst(raw).length, raw.length)
  })

  it('adds a missing _id first', () => {
    const id = new ObjectId()
    const doc = BSON.deserialize(withIdFirst(BSON.serialize({ a: 1 }), id))
    assert.deepEqual(doc, { _id: id, a: 1 })
  })

  it('leaves a document whose _id is already first unchanged', () => {
    const raw = BSON.serialize({ _id: 1, a: 1 })
    assert.deepEqual(withIdFirst(raw), Buffer.from(raw))
  })

  it('extracts the encoded documents of an array field', () => {
    const raw = BSON.serialize({ insert: 'c', documents: [{ a: 1 }, { b: 2 }], ordered: true })
    assert.deepEqual(rawArrayField(raw, 'documents')?.map((d) => BSON.deserialize(d)), [{ a: 1 }, { b: 2 }])
    assert.equal(rawArrayField(raw, 'missing'), undefined)
  })
})
