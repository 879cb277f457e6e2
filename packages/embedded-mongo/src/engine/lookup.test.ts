import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ObjectId } from 'bson'
import { Index } from './indexes.js'
import { planLookup } from './lookup.js'
import { mingoOptions, sharedOptions } from './mingo.js'

describe('planLookup', () => {
  const email = new Index({ key: { email: 1 }, name: 'email_1', unique: true })
  const sparse = new Index({ key: { nick: 1 }, name: 'nick_1', sparse: true })
  const plan = (filter: Record<string, unknown>) => {
    const p = planLookup(filter, [email, sparse])
    return p === undefined ? 'scan' : `${p.index?.name ?? '_id'} ${p.exact ? 'exact' : 'test'}`
  }

  it('answers _id equality, $eq and $in exactly, and narrows when other fields remain', () => {
    const id = new ObjectId()
    assert.equal(plan({ _id: id }), '_id exact')
    assert.equal(plan({ _id: { $eq: 'x' } }), '_id exact')
    assert.equal(plan({ _id: { $in: [1, 'x'] } }), '_id exact')
    assert.equal(plan({ _id: { a: 1 } }), '_id exact')
    assert.equal(plan({ _id: id, n: 1 }), '_id test')
    assert.equal(plan({ _id: id, $comment: 'x' }), '_id test')
  })

  it('scans for patterns, ranges and operators on _id', () => {
    assert.equal(plan({ _id: /x/ }), 'scan')
    assert.equal(plan({ _id: { $in: [/x/] } }), 'scan')
    assert.equal(plan({ _id: { $gt: 1 } }), 'scan')
    assert.equal(plan({ _id: { $eq: 1, $ne: 2 } }), 'scan')
    assert.equal(plan({ _id: { $in: 1 } }), 'scan')
    assert.equal(plan({ $and: [{ _id: 1 }] }), 'scan')
  })

  it('uses complete indexes only, exactly for scalars on the whole filter', () => {
    assert.equal(plan({ email: 'a' }), 'email_1 exact')
    assert.equal(plan({ email: { $eq: 'a' } }), 'email_1 exact')
    assert.equal(plan({ email: 'a', n: 1 }), 'email_1 test')
    assert.equal(plan({ email: null }), 'email_1 test')
    assert.equal(plan({ email: { a: 1 } }), 'scan')
    assert.equal(plan({ email: ['a'] }), 'scan')
    assert.equal(plan({ nick: 'a' }), 'scan')
  })
})

describe('sharedOptions', () => {
  it('is mingo\'s own initialised options object, so queries do not copy the operator context', () => {
    assert.notEqual(Object.getPrototypeOf(sharedOptions), Object.prototype)
    assert.equal(sharedOptions.useStrictMode, mingoOptions().useStrictMode)
    assert.equal(sharedOptions.scriptEnabled, false)
  })
})
