import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MessageFramer, ProtocolError, readHeader, writeHeader } from './framing.js'

function message (requestId: number, bodyLength: number): Buffer {
  const msg = Buffer.alloc(16 + bodyLength, requestId)
  writeHeader(msg, requestId, 0, 2013)
  return msg
}

describe('wire/framing', () => {
  it('writes and reads the standard header', () => {
    const msg = message(7, 4)
    assert.deepEqual(readHeader(msg), { length: 20, requestId: 7, responseTo: 0, opCode: 2013 })
  })

  it('cuts messages split across chunks at any byte, and several messages in one chunk', () => {
    const stream = Buffer.concat([message(1, 10), message(2, 0), message(3, 300)])
    for (const step of [1, 3, 17, 64, stream.length]) {
      const framer = new MessageFramer(1024)
      const out: Buffer[] = []
      for (let at = 0; at < stream.length; at += step) out.push(...framer.push(stream.subarray(at, at + step)))
      assert.deepEqual(out.map((m) => readHeader(m).requestId), [1, 2, 3], `step ${step}`)
      assert.deepEqual(out.map((m) => m.length), [26, 16, 316])
    }
  })

  it('refuses a length larger than the maximum or smaller than a header', () => {
    assert.throws(() => new MessageFramer(100).push(message(1, 200)), ProtocolError)
    const tiny = Buffer.alloc(16)
    tiny.writeInt32LE(8, 0)
    assert.throws(() => new MessageFramer(100).push(tiny), /outside 16\.\.100/)
  })
})
