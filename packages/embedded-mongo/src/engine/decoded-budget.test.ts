import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Binary } from 'bson'
import { Collection } from './collection.js'
import { DECODED_BYTES, LARGE_COLLECTION_BYTES } from './entry.js'

// A document's decoded form held for the current job is dropped in a microtask.
const jobEnds = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('the decoded budget of a collection', () => {
  const text = 'x'.repeat(256 * 1024 - 64)
  const doc = (i: number) => ({ _id: i, text })
  const decoded = (c: Collection): number => [...c.docs.values()].filter((e) => e.decoded).length

  it('keeps a small collection decoded; past LARGE_COLLECTION_BYTES none; below half of it, again', async () => {
    const c = new Collection('db', 'c', {}, new Binary(Buffer.alloc(16), 4), () => {})
    const perBudget = Math.floor(DECODED_BYTES / (256 * 1024))
    for (let i = 0; i < perBudget; i++) c.insert(doc(i))
    await jobEnds()
    assert.equal(decoded(c), perBudget, 'up to DECODED_BYTES are kept decoded')
    const large = Math.ceil(LARGE_COLLECTION_BYTES / (256 * 1024)) + 1
    for (let i = perBudget; i < large; i++) c.insert(doc(i))
    await jobEnds()
    assert.equal(decoded(c), 0, 'a large collection keeps no document decoded')
    assert.equal(c.find({ _id: 3 })[0]?.obj.text, text, 'and decodes what a command reads')
    await jobEnds()
    assert.equal(decoded(c), 0)
    // Shrunk below half the threshold, it keeps new documents decoded again.
    for (let i = 0; i < large - perBudget; i++) c.remove(c.find({ _id: i })[0]!)
    c.insert(doc(-1))
    await jobEnds()
    assert.equal(decoded(c), 1)
  })
})
