import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Binary, BSON, BSONRegExp, Code, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson'
import { valueKey } from '../engine/values.js'
import { decode, decodeCommand, decodeFields, decodeId, objectIdKey, storedCopy } from './codec.js'

describe('bson/codec decodeCommand', () => {
  it('decodes a command without its lsid, every other field intact whatever its type', () => {
    const fields = {
      find: 'c',
      d: 1.5,
      s: 'é',
      doc: { a: 1 },
      arr: [1, 'x'],
      bin: new Binary(Buffer.from('ab')),
      oid: new ObjectId(),
      t: true,
      date: new Date(5),
      nul: null,
      re: new BSONRegExp('a.b', 'i'),
      code: new Code('x'),
      i: 7,
      ts: new Timestamp({ t: 1, i: 2 }),
      long: Long.fromNumber(9),
      dec: Decimal128.fromString('1.10'),
      min: new MinKey(),
      max: new MaxKey(),
    }
    const bytes = BSON.serialize({ ...fields, lsid: { id: new UUID() }, $db: 'x' })
    assert.deepEqual(decodeCommand(bytes), decode(BSON.serialize({ ...fields, $db: 'x' })))
  })

  it('decodes a command without lsid, or with one that is not a document, as is', () => {
    for (const cmd of [{ ping: 1, $db: 'admin' }, { ping: 1, lsid: 'odd' }, { lsid: { id: 1 } }]) {
      const bytes = BSON.serialize(cmd)
      assert.deepEqual(decodeCommand(bytes), cmd.lsid !== undefined && typeof cmd.lsid === 'object' ? {} : decode(bytes))
    }
  })

  it('leaves malformed bytes to the serializer, which reports them', () => {
    const bytes = BSON.serialize({ ping: 1, lsid: { id: 1 } })
    bytes[bytes.length - 1] = 7
    assert.throws(() => decodeCommand(bytes), /BSON/)
  })
})

describe('bson/codec decodeId', () => {
  it('reads the _id of a document, first or not', () => {
    const oid = new ObjectId()
    for (const doc of [{ _id: oid, a: 1 }, { _id: 'x' }, { a: 1, _id: { k: [1] } }, { a: 1 }]) {
      assert.deepEqual(decodeId(BSON.serialize(doc)), doc._id)
    }
  })
})

describe('bson/codec objectIdKey', () => {
  it('gives the _id map key of a document whose _id is an ObjectId first, as valueKey does', () => {
    const oid = new ObjectId()
    assert.equal(objectIdKey(BSON.serialize({ _id: oid, a: 1 })), valueKey(oid))
    assert.equal(objectIdKey(BSON.serialize({ _id: 'x' })), undefined)
    assert.equal(objectIdKey(BSON.serialize({ a: 1, _id: oid })), undefined)
  })
})

describe('bson/codec decodeFields', () => {
  it('decodes only the named top-level fields', () => {
    const bytes = BSON.serialize({ _id: 1, a: { b: [1, 2] }, c: 'x', é: true })
    assert.deepEqual(decodeFields(bytes, [Buffer.from('a'), Buffer.from('é')]), { a: { b: [1, 2] }, é: true })
    assert.deepEqual(decodeFields(bytes, [Buffer.from('zz')]), {})
    assert.equal(decodeFields(bytes.subarray(0, 10), [Buffer.from('a')]), undefined)
  })
})

describe('bson/codec storedCopy', () => {
  it('copies bytes, small ones side by side in a shared slab, large ones alone', () => {
    const a = storedCopy(Buffer.from('abc'))
    const b = storedCopy(Buffer.from('de'))
    assert.equal(a.toString(), 'abc')
    assert.equal(b.toString(), 'de')
    assert.ok(a.buffer === b.buffer || b.byteOffset === 0)
    const big = storedCopy(Buffer.alloc(4096, 1))
    assert.equal(big.byteOffset, 0)
    assert.equal(big.buffer.byteLength, 4096)
  })
})
