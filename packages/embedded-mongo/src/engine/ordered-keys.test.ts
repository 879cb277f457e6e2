import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { BSON, Decimal128, UUID, type Document } from 'bson'
import { decode } from '../bson/codec.js'
import { OrderedKeys } from './ordered-keys.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('OrderedKeys', () => {
  it('keeps Binary and Decimal128 keys with bytes of their own, not views of the message they came in', async () => {
    // A document decoded from a large message, as the store decodes an insert.
    let message: Buffer | undefined = Buffer.alloc(4 * 1024 * 1024)
    const bytes = BSON.serialize({ _id: new UUID(), d: Decimal128.fromString('1.5') })
    message.set(bytes, 1000)
    let doc: Document | undefined = decode(message.subarray(1000, 1000 + bytes.length))
    assert.equal((doc._id as UUID).buffer.buffer, message.buffer, 'bson decodes binary values as views')
    const held = new WeakRef(message.buffer)
    const id = (doc._id as UUID).toHexString()
    const keys = new OrderedKeys([1, 1], undefined, [[[doc._id, doc.d, 0], 'bulk']])
    keys.add([doc._id, doc.d, 1], 'added')
    message = undefined
    doc = undefined
    await nextTask()
    gc()
    await nextTask()
    assert.equal(held.deref(), undefined, 'the message was collected')
    const found = [...keys.walk([], [], true)]
    assert.deepEqual(found.map(([, v]) => v), ['bulk', 'added'])
    assert.equal((found[0]![0][0] as UUID).toHexString(), id)
    assert.equal(String(found[1]![0][1]), '1.5')
  })
})
