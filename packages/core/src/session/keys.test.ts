import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { decodeKey, lowEntropyReason, resolveSessionKeys } from './keys.js'

const HEX = '5ae49164a3674ba0dd2b02ce14bb00f216c99badbba13394189c1e90f31352a9'
const B64 = 'H/8aXssr7JLBxKZQYLUokU4MqTV8ZNOBR8/zKr/tIzw='

function throwsKey (fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isTaoError(err), String(err))
    assert.equal(err.code, code)
    assert.match(err.message, message)
    return true
  })
}

test('a key is 32 bytes in hex, base64 or base64url', () => {
  assert.equal(decodeKey(HEX, 'k').length, 32)
  assert.deepEqual(decodeKey(HEX.toUpperCase(), 'k'), Buffer.from(HEX, 'hex'))
  assert.deepEqual(decodeKey(B64, 'k'), Buffer.from(B64, 'base64'))
  assert.deepEqual(decodeKey(B64.replace(/=$/, ''), 'k'), Buffer.from(B64, 'base64'))
  const url = Buffer.from(B64, 'base64').toString('base64url')
  assert.deepEqual(decodeKey(url, 'k'), Buffer.from(B64, 'base64'))
  assert.deepEqual(decodeKey(` ${HEX}\n`, 'k'), Buffer.from(HEX, 'hex'))
})

test('a key of the wrong length or encoding names the setting, never the key', () => {
  throwsKey(() => decodeKey('abc', 'settings.secretKey'), 'TAO_ERR_SESSION_KEY_INVALID', /^settings\.secretKey is not a valid secret key: its 3 base64 characters decode to 2 bytes, not 32\..*randomBytes\(32\)/)
  throwsKey(() => decodeKey(HEX.slice(0, 32), 'K'), 'TAO_ERR_SESSION_KEY_INVALID', /its 32 hex characters decode to 16 bytes, not 32/)
  throwsKey(() => decodeKey('correct horse battery staple!', 'K'), 'TAO_ERR_SESSION_KEY_INVALID', /neither hex nor base64/)
  throwsKey(() => decodeKey('   ', 'K'), 'TAO_ERR_SESSION_KEY_INVALID', /it is empty/)
  try {
    decodeKey(HEX + 'ab', 'K')
  } catch (err) {
    assert.ok(!(err as Error).message.includes(HEX))
  }
})

test('a list: the first encrypts, each is named by its index', () => {
  const { keys, ephemeral } = resolveSessionKeys([HEX, B64], false)
  assert.equal(ephemeral, false)
  assert.deepEqual(keys, [Buffer.from(HEX, 'hex'), Buffer.from(B64, 'base64')])
  throwsKey(() => resolveSessionKeys([HEX, 'nope'], false), 'TAO_ERR_SESSION_KEY_INVALID', /^settings\.secretKey\[1\] \(or TAO_SECRET_KEY\) is not a valid/)
})

test('no key: refused outside development, a random one in development', () => {
  throwsKey(() => resolveSessionKeys(undefined, false), 'TAO_ERR_SESSION_KEY_MISSING', /TAO_SECRET_KEY.*randomBytes\(32\)\.toString\('hex'\)/)
  throwsKey(() => resolveSessionKeys([], false), 'TAO_ERR_SESSION_KEY_MISSING', /No secret key/)
  const a = resolveSessionKeys(undefined, true)
  const b = resolveSessionKeys('', true)
  assert.equal(a.ephemeral, true)
  assert.equal(a.keys[0]!.length, 32)
  assert.notDeepEqual(a.keys[0], b.keys[0])
})

// Regression for #13: an all-zero key started in production with a warning only.
test('outside development a low-entropy key is refused, naming the setting and the reason', () => {
  const weak: Array<[string, RegExp]> = [
    ['0'.repeat(64), /one byte repeated/],
    ['ab'.repeat(32), /one byte repeated/],
    ['deadbeef'.repeat(8), /published in examples/],
    ['0123456789abcdef'.repeat(4), /published in examples/], ['0a1b2c3d'.repeat(8), /repeats a pattern of 4 bytes/],
    ['a1b2c3'.repeat(10) + 'a1b2', /repeats a pattern of 3 bytes/],
    [Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7) % 256)).toString('hex'), /count up or down/],
    ['0502070104040006030501070202060004030705010006020303040700010506', /only \d+ distinct byte values/],
    [Buffer.from('correct horse battery staple 123').toString('base64'), /printable text/],
  ]
  for (const [key, reason] of weak) {
    throwsKey(() => resolveSessionKeys(key, false), 'TAO_ERR_SESSION_KEY_WEAK', new RegExp(`^settings\\.secretKey \\(or TAO_SECRET_KEY\\) is a low-entropy secret key \\(.*(?:${reason.source}).*\\).*randomBytes\\(32\\)`))
    assert.equal(resolveSessionKeys(key, true).keys.length, 1, 'debug and tests still start')
  }
  throwsKey(() => resolveSessionKeys([HEX, '0'.repeat(64)], false), 'TAO_ERR_SESSION_KEY_WEAK', /^settings\.secretKey\[1\]/)
  assert.equal(lowEntropyReason(Buffer.from(HEX, 'hex')), null)
  assert.equal(lowEntropyReason(Buffer.from(B64, 'base64')), null)
  for (let i = 0; i < 2000; i++) assert.equal(lowEntropyReason(randomBytes(32)), null, 'random keys pass')
})
