import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildAddressMatcher } from './addresses.js'
import { newRecord } from './collector.js'
import { HISTORY_SIZE, RequestHistory } from './history.js'

test('buildAddressMatcher: addresses and CIDR ranges, IPv4-mapped IPv6 as IPv4, nothing else', () => {
  const loopback = buildAddressMatcher(['127.0.0.1', '::1'])
  assert.equal(loopback('127.0.0.1'), true)
  assert.equal(loopback('::ffff:127.0.0.1'), true)
  assert.equal(loopback('::1'), true)
  assert.equal(loopback('127.0.0.2'), false)
  assert.equal(loopback('10.0.0.1'), false)
  assert.equal(loopback(undefined), false)
  assert.equal(loopback('not an address'), false)
  const lan = buildAddressMatcher(['192.168.0.0/16', 'fd00::/8'])
  assert.equal(lan('192.168.44.3'), true)
  assert.equal(lan('::ffff:192.168.44.3'), true)
  assert.equal(lan('192.169.0.1'), false)
  assert.equal(lan('fd12::1'), true)
  assert.equal(lan('fe80::1'), false)
  assert.equal(buildAddressMatcher([])('127.0.0.1'), false)
})

test('RequestHistory: the last HISTORY_SIZE records, newest first; older ids are gone', () => {
  const history = new RequestHistory()
  const ids: number[] = []
  for (let i = 0; i < HISTORY_SIZE + 7; i++) {
    const record = newRecord(history.nextId())
    ids.push(record.id)
    history.add(record)
  }
  const kept = history.list().map((r) => r.id)
  assert.equal(kept.length, HISTORY_SIZE)
  assert.deepEqual(kept, ids.slice(-HISTORY_SIZE).reverse())
  assert.equal(history.get(ids[0]!), undefined)
  assert.equal(history.get(ids[6]!), undefined)
  assert.equal(history.get(ids[7]!)?.id, ids[7])
  assert.equal(history.get(0), undefined)
})
