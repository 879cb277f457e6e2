import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, isUsablePassword, needsRehash, unusablePassword, verifyPassword } from './hashers.js'
import { passwordProblems } from './validators.js'
import { safeNext } from './next-url.js'

const LOW = { cost: 1024, blockSize: 8, parallelism: 1 }
const HIGHER = { cost: 2048, blockSize: 8, parallelism: 1 }

test('a hash describes itself and verifies only its password', async () => {
  const h = await hashPassword('s3cret pass', LOW)
  assert.match(h, /^scrypt\$1024\$8\$1\$[^$]+\$[^$]+$/)
  assert.equal(await verifyPassword('s3cret pass', h, LOW), true)
  assert.equal(await verifyPassword('s3cret pasS', h, LOW), false)
  // The parameters come from the hash, not from the current settings.
  assert.equal(await verifyPassword('s3cret pass', h, HIGHER), true)
  assert.notEqual(await hashPassword('s3cret pass', LOW), h, 'a fresh salt each time')
})

test('older parameters are flagged for an upgrade; garbage and unusable values never match', async () => {
  const h = await hashPassword('pw', LOW)
  assert.equal(needsRehash(h, LOW), false)
  assert.equal(needsRehash(h, HIGHER), true)
  for (const bad of ['', 'md5$abc', 'scrypt$1000$8$1$AAAA$AAAA', 'scrypt$1024$8$1$$', unusablePassword(), h.slice(0, -4)]) {
    assert.equal(await verifyPassword('pw', bad, LOW), false, bad)
    assert.equal(isUsablePassword(bad), false, bad)
  }
})

test('password rules: each problem with its own message', () => {
  const ctx = { username: 'margaret', email: 'maggie@example.com', minLength: 8 }
  assert.deepEqual(passwordProblems('', ctx), ['A password is required.'])
  assert.match(passwordProblems('abc', ctx).join(), /too short: it must contain at least 8/)
  assert.match(passwordProblems('1234567890123', ctx).join(), /entirely numeric/)
  assert.match(passwordProblems('Margaret1', ctx).join(), /too similar to the username/)
  assert.match(passwordProblems('maggie@example', ctx).join(), /too similar to the email address/)
  assert.match(passwordProblems('Password123', ctx).join(), /too common/)
  assert.deepEqual(passwordProblems('violet tram 1987 jumps', ctx), [])
})

test('safeNext accepts only paths of this site', () => {
  assert.equal(safeNext('/a/b?c=d#e', '/'), '/a/b?c=d#e')
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/\t/evil.example', '/\n/evil', ' /x', '', null, 42, 'x'.repeat(3000)]) {
    assert.equal(safeNext(bad, '/home'), '/home', String(bad))
  }
})
