import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BSON } from 'bson'
import { readHeader, writeHeader } from './framing.js'
import { CHECKSUM_PRESENT, encodeOpMsg, MORE_TO_COME, parseOpMsg } from './op-msg.js'
import { encodeOpReply, parseOpQuery } from './op-query.js'

function opMsg (flags: number, sections: Buffer[], checksum = false): Buffer {
  const flagBytes = Buffer.alloc(4)
  flagBytes.writeUInt32LE(flags | (checksum ? CHECKSUM_PRESENT : 0))
  const msg = Buffer.concat([Buffer.alloc(16), flagBytes, ...sections, checksum ? Buffer.alloc(4, 0xee) : Buffer.alloc(0)])
  writeHeader(msg, 1, 0, 2013)
  return msg
}

const body = (doc: object): Buffer => Buffer.concat([Buffer.from([0]), BSON.serialize(doc)])

function sequence (id: string, docs: object[]): Buffer {
  const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => BSON.serialize(d))])
  const size = Buffer.alloc(4)
  size.writeInt32LE(payload.length + 4)
  return Buffer.concat([Buffer.from([1]), size, payload])
}

describe('wire/op-msg', () => {
  it('parses the body and document sequences', () => {
    const msg = opMsg(0, [body({ insert: 'c', $db: 'd' }), sequence('documents', [{ a: 1 }, { a: 2 }])])
    const req = parseOpMsg(msg)
    assert.deepEqual(BSON.deserialize(req.body), { insert: 'c', $db: 'd' })
    assert.deepEqual(req.sequences.get('documents')?.map((d) => BSON.deserialize(d)), [{ a: 1 }, { a: 2 }])
  })

  it('skips the checksum and reports moreToCome', () => {
    const req = parseOpMsg(opMsg(MORE_TO_COME, [body({ ping: 1 })], true))
    assert.equal(req.flags & MORE_TO_COME, MORE_TO_COME)
    assert.deepEqual(BSON.deserialize(req.body), { ping: 1 })
  })

  it('refuses unknown required flags, a missing body and unknown section kinds', () => {
    assert.throws(() => parseOpMsg(opMsg(1 << 5, [body({ ping: 1 })])), /unsupported OP_MSG flags/)
    assert.throws(() => parseOpMsg(opMsg(0, [sequence('documents', [])])), /no body section/)
    assert.throws(() => parseOpMsg(opMsg(0, [body({ ping: 1 }), Buffer.from([7])])), /unknown OP_MSG section kind 7/)
  })

  it('encodes a reply answering the request id', () => {
    const reply = encodeOpMsg(5, 42, BSON.serialize({ ok: 1 }))
    assert.deepEqual(readHeader(reply), { length: reply.length, requestId: 5, responseTo: 42, opCode: 2013 })
    assert.deepEqual(BSON.deserialize(reply.subarray(21)), { ok: 1 })
  })
})

describe('wire/op-query', () => {
  it('parses a legacy handshake and encodes an OP_REPLY', () => {
    const head = Buffer.alloc(20)
    const msg = Buffer.concat([head, Buffer.from('admin.$cmd\0'), Buffer.alloc(8), BSON.serialize({ isMaster: 1, helloOk: true })])
    writeHeader(msg, 9, 0, 2004)
    const req = parseOpQuery(msg)
    assert.equal(req.collection, 'admin.$cmd')
    assert.deepEqual(BSON.deserialize(req.query), { isMaster: 1, helloOk: true })
    const reply = encodeOpReply(1, 9, BSON.serialize({ ok: 1 }))
    assert.deepEqual(readHeader(reply), { length: reply.length, requestId: 1, responseTo: 9, opCode: 1 })
    assert.equal(reply.readInt32LE(32), 1)
    assert.deepEqual(BSON.deserialize(reply.subarray(36)), { ok: 1 })
  })
})
