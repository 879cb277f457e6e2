import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BSON, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb'
import { isTaoError } from '../errors/index.js'
import { decodeDocId, encodeDocId } from './doc-id.js'
import { parseEditedJson, parseFilter, toEditableJson } from './ejson.js'

test('the editor text of a document parses back to the same BSON bytes (ObjectId, Date, Decimal128, Long, Int32, Double)', () => {
  const doc = {
    _id: new ObjectId(),
    at: new Date('2026-05-06T07:08:09.010Z'),
    old: new Date(-5_000),
    price: Decimal128.fromString('19.90'),
    big: Long.fromString('9007199254740993'),
    small: new Int32(7),
    whole: new Double(3),
    half: new Double(2.5),
    nested: { list: [new Int32(1), new Double(1), 'x', null, true] },
  }
  const text = toEditableJson(doc)
  assert.match(text, /"price": \{\s*"\$numberDecimal": "19.90"\s*\}/)
  assert.match(text, /"at": \{\s*"\$date": "2026-05-06T07:08:09.010Z"\s*\}/)
  assert.match(text, /"small": 7,/)
  assert.match(text, /"half": 2.5,/)
  assert.deepEqual(Buffer.from(BSON.serialize(parseEditedJson(text))), Buffer.from(BSON.serialize(doc)))
})

test('the editor refuses text that is not an object', () => {
  for (const text of ['', '[1]', '{"a":', 'null', '{"$oid": "6b1347a0a4a3a8595eb7a64e"}']) {
    assert.throws(() => parseEditedJson(text), (err) => isTaoError(err, 'TAO_ERR_ADMIN_DOCUMENT_INVALID'), text)
  }
})

test('filters are Extended JSON data with query operators only', () => {
  const id = new ObjectId()
  assert.deepEqual(parseFilter(`{"_id": {"$oid": "${id.toHexString()}"}}`), { _id: id })
  assert.deepEqual(parseFilter('{"at": {"$gte": {"$date": "2026-01-01T00:00:00Z"}}}'), { at: { $gte: new Date('2026-01-01T00:00:00Z') } })
  assert.deepEqual(parseFilter('  '), {})
  for (const bad of ['{"$where": "1"}', '{"a": {"$function": {}}}', '{"$expr": {"$eq": [1, 1]}}', '{"a": {"$accumulator": 1}}', '"x"', '{"a": {"$regex": "("}}', '{"a": {"$regex": "a", "$options": "g"}}']) {
    assert.throws(() => parseFilter(bad), (err) => isTaoError(err, 'TAO_ERR_ADMIN_FILTER_INVALID'), bad)
  }
})

test('document ids in URLs: ObjectIds as hex, plain strings as themselves, anything else encoded; tampering is a 404', () => {
  const id = new ObjectId()
  for (const value of [id, 'about-us', 42, 'a b/c', { shop: 1, n: 'x' }, new Date(0), '0123456789abcdef01234567']) {
    const segment = encodeDocId(value)
    assert.match(segment, /^[A-Za-z0-9_.~-]+$/)
    assert.equal(BSON.EJSON.stringify(decodeDocId(segment, 'post') as never), BSON.EJSON.stringify(value as never))
  }
  assert.equal(encodeDocId(id), id.toHexString())
  const operator = '~' + Buffer.from('{"id":{"$ne":1}}').toString('base64url')
  const regex = '~' + Buffer.from('{"id":{"$regularExpression":{"pattern":".*","options":""}}}').toString('base64url')
  for (const bad of ['~', '~!!!', operator, regex, '~' + Buffer.from('{"id":[1]}').toString('base64url'), 'has space']) {
    assert.throws(() => decodeDocId(bad, 'post'), (err) => isTaoError(err, 'TAO_ERR_ADMIN_NOT_FOUND') && err.statusCode === 404, bad)
  }
})
