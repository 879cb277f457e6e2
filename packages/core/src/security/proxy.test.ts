import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildTrustProxy } from './proxy.js'

test('off: false, 0 and an empty list', () => {
  assert.equal(buildTrustProxy(false), false)
  assert.equal(buildTrustProxy(0), false)
  assert.equal(buildTrustProxy([]), false)
})

test('true trusts every peer; a number trusts that many hops', () => {
  const all = buildTrustProxy(true) as (a: string | undefined, h: number) => boolean
  assert.equal(all('203.0.113.1', 0), true)
  const two = buildTrustProxy(2) as (a: string | undefined, h: number) => boolean
  assert.equal(two('203.0.113.1', 1), true)
  assert.equal(two('203.0.113.1', 2), false)
})

test('a list: addresses, CIDRs, named ranges, IPv4-mapped peers', () => {
  const trust = buildTrustProxy(['10.0.0.0/8', '2001:db8::1', 'loopback']) as (a: string | undefined, h: number) => boolean
  for (const a of ['10.1.2.3', '::ffff:10.9.9.9', '2001:db8::1', '127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(trust(a, 0), true, a)
  for (const a of ['11.0.0.1', '2001:db8::2', '192.168.1.1', 'not-an-ip', '']) assert.equal(trust(a, 0), false, a)
  assert.equal(trust(undefined, 0), false, 'a unix-socket peer is not in an address list')
})

test("'unix' trusts a peer on the unix socket (it has no address)", () => {
  const trust = buildTrustProxy(['unix']) as (a: string | undefined, h: number) => boolean
  assert.equal(trust(undefined, 0), true)
  assert.equal(trust('127.0.0.1', 0), false)
  const both = buildTrustProxy(['unix', 'uniquelocal']) as (a: string | undefined, h: number) => boolean
  assert.equal(both(undefined, 0), true)
  assert.equal(both('192.168.0.7', 1), true)
})
