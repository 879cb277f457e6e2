import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BSON, UUID } from 'bson'
import { decodeRecord, eachRecordOfFile, encodeRecord, scanRecords } from './records.js'

describe('storage/records', () => {
  const uuid = new UUID()
  const ops = [
    { op: 'createCollection', ns: 'd.c', options: {}, uuid },
    { op: 'put', ns: 'd.c', raw: Buffer.from(BSON.serialize({ _id: 1, a: 'x' })) },
    { op: 'del', ns: 'd.c', id: 1 },
    { op: 'createIndex', ns: 'd.c', spec: { v: 2, key: { a: 1 }, name: 'a_1' } },
    { op: 'dropIndex', ns: 'd.c', name: 'a_1' },
    { op: 'rename', ns: 'd.c', to: 'd.e' },
    { op: 'dropCollection', ns: 'd.e' },
  ] as const

  it('round-trips every kind of change', () => {
    const scan = scanRecords(Buffer.concat(ops.map((op) => encodeRecord(op))))
    assert.equal(scan.damaged, false)
    const back = scan.payloads.map((p) => decodeRecord(p))
    assert.equal(back.length, ops.length)
    assert.deepEqual(back.slice(1), ops.slice(1))
    assert.equal(back[0]?.op === 'createCollection' && back[0].uuid.toString('hex'), uuid.toString('hex'))
  })

  it("decodes a collection's UUID and an index spec into buffers of their own, not views of the file's", () => {
    // As a snapshot is read: each payload a view of one buffer for the whole file (1 MiB here), documents shared.
    const scan = scanRecords(Buffer.concat([encodeRecord(ops[0]), encodeRecord({ op: 'createIndex', ns: 'd.c', spec: { v: 2, key: { b: 1 }, name: 'b_1', partialFilterExpression: { b: uuid } } })]))
    const [created, index] = scan.payloads.map((p) => decodeRecord(Buffer.concat([p, Buffer.alloc(1 << 20)]).subarray(0, p.length), true))
    assert.ok(created?.op === 'createCollection' && created.uuid.buffer.buffer.byteLength < 1024, 'the UUID does not keep the file in memory')
    assert.equal(created.uuid.toString('hex'), uuid.toString('hex'))
    const held = index?.op === 'createIndex' ? (index.spec.partialFilterExpression as { b: UUID }).b : undefined
    assert.ok(held !== undefined && held.buffer.buffer.byteLength < 1024, 'nor does a binary value of an index spec')
  })

  it('stops at a torn tail and reports the valid length', () => {
    const whole = Buffer.concat([encodeRecord(ops[1]), encodeRecord(ops[2])])
    const firstLength = encodeRecord(ops[1]).length
    for (let cut = firstLength; cut < whole.length; cut++) {
      const scan = scanRecords(whole.subarray(0, cut))
      assert.equal(scan.payloads.length, 1)
      assert.equal(scan.validLength, firstLength)
      assert.equal(scan.damaged, false)
    }
  })

  it('flags damage followed by intact records', () => {
    const records = [encodeRecord(ops[1]), encodeRecord(ops[2]), encodeRecord(ops[3])]
    const first = records[0] as Buffer
    const bytes = Buffer.concat(records)
    bytes[first.length + 10] = (bytes[first.length + 10] ?? 0) ^ 1
    const scan = scanRecords(bytes)
    assert.equal(scan.payloads.length, 1)
    assert.equal(scan.damaged, true)
  })

  it('reads a file in chunks as it reads the whole buffer: records across chunk ends, larger than a chunk, a torn tail, damage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tao-records-'))
    try {
      const records = Array.from({ length: 40 }, (_, i) => encodeRecord({ op: 'put', ns: 'd.c', raw: Buffer.from(BSON.serialize({ _id: i, pad: 'p'.repeat((i * 37) % 300) })) }))
      const whole = Buffer.concat(records)
      const damaged = Buffer.from(whole)
      const at = (records[0] as Buffer).length + (records[1] as Buffer).length + 12
      damaged[at] = (damaged[at] ?? 0) ^ 1
      const file = join(dir, 'journal')
      for (const bytes of [whole, whole.subarray(0, whole.length - 5), damaged]) {
        writeFileSync(file, bytes)
        const expected = scanRecords(bytes)
        for (const chunk of [16, 64, 100, 1000, 1 << 20]) {
          const payloads: Buffer[] = []
          const scan = eachRecordOfFile(file, (p) => payloads.push(Buffer.from(p)), chunk)
          assert.deepEqual({ validLength: scan.validLength, damaged: scan.damaged }, { validLength: expected.validLength, damaged: expected.damaged }, `chunk ${chunk}`)
          assert.deepEqual(payloads, expected.payloads.map((p) => Buffer.from(p)), `chunk ${chunk}`)
        }
      }
      assert.equal(scanRecords(damaged).damaged, true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
