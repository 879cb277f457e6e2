import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Long, ObjectId } from 'bson'
import { formatDocument, pathValues, valueKey } from './values.js'

describe('engine/values', () => {
  it('keys equal values equally across numeric types and distinct types apart', () => {
    assert.equal(valueKey(5), valueKey(Long.fromNumber(5)))
    assert.equal(valueKey(5), valueKey(5.0))
    assert.notEqual(valueKey(5), valueKey('5'))
    assert.notEqual(valueKey(null), valueKey('null'))
    assert.notEqual(valueKey(true), valueKey(1))
    const id = new ObjectId()
    assert.equal(valueKey(id), valueKey(new ObjectId(id.toHexString())))
    assert.equal(valueKey(new Date(5)), valueKey(new Date(5)))
    assert.notEqual(valueKey({ a: 1, b: 2 }), valueKey({ b: 2, a: 1 }))
  })

  it('collects index values through arrays and embedded documents', () => {
    assert.deepEqual(pathValues({ a: 1 }, 'a'), [1])
    assert.deepEqual(pathValues({}, 'a'), [null])
    assert.deepEqual(pathValues({ tags: ['x', 'y'] }, 'tags'), ['x', 'y'])
    assert.deepEqual(pathValues({ items: [{ k: 1 }, { k: 2 }, {}] }, 'items.k'), [1, 2, null])
    assert.deepEqual(pathValues({ a: 5 }, 'a.b'), [null])
    assert.deepEqual(pathValues({ a: { b: { c: 3 } } }, 'a.b.c'), [3])
    assert.deepEqual(pathValues({ a: [10, 20] }, 'a.1'), [20])
  })

  it('formats values as mongod does in duplicate key messages', () => {
    const id = new ObjectId('6b023cdf0f2b93e2eb61f382')
    assert.equal(formatDocument({ name: 'x', n: 1, id, none: null }), '{ name: "x", n: 1, id: ObjectId(\'6b023cdf0f2b93e2eb61f382\'), none: null }')
  })
})
