// The secret key at boot: production refuses to start without one; a bad key is a clear error.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { createApp, isTaoError } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

const nodeEnv = process.env.NODE_ENV
afterEach(() => { process.env.NODE_ENV = nodeEnv })

async function bootError (settings: Parameters<typeof createApp>[0]): Promise<Error & { code?: string }> {
  try {
    const app = await createApp(settings)
    await app.ready()
    await app.close()
  } catch (err) {
    return err as Error
  }
  assert.fail('the app started')
}

test('in production, no secret key refuses the start and says how to make one', async () => {
  process.env.NODE_ENV = 'production'
  const err = await bootError({ root: fixture('safety'), inline: true, settings: { logLevel: 'silent' }, env: {} })
  assert.ok(isTaoError(err, 'TAO_ERR_SESSION_KEY_MISSING'), String(err))
  assert.match(err.message, /set it as TAO_SECRET_KEY/)
  assert.match(err.message, /node -e "console\.log\(require\('crypto'\)\.randomBytes\(32\)\.toString\('hex'\)\)"/)
})

// Regression for #13: an all-zero key started in production with a warning only.
test('in production, a low-entropy secret key refuses the start, naming the reason, never the key', async () => {
  process.env.NODE_ENV = 'production'
  for (const [key, reason] of [['0'.repeat(64), /one byte repeated/], ['deadbeef'.repeat(8), /a key published in examples/], ['0a1b2c3d'.repeat(8), /repeats a pattern of 4 bytes/]] as const) {
    const err = await bootError({ root: fixture('safety'), inline: true, settings: { logLevel: 'silent', secretKey: key }, env: {} })
    assert.ok(isTaoError(err, 'TAO_ERR_SESSION_KEY_WEAK'), String(err))
    assert.match(err.message, reason)
    assert.ok(!err.message.includes(key))
  }
})

test('in debug mode, no secret key starts with a random one, and sessions work', async () => {
  process.env.NODE_ENV = 'production'
  const app = await createTestApp({ root: fixture('safety'), inline: true, settings: { debug: true }, env: {} })
  try {
    const set = await app.inject('/session/set?key=a&value=1')
    const cookie = (set.headers['set-cookie'] as string).split(';')[0]!
    const res = await app.inject({ url: '/session', headers: { cookie } })
    assert.deepEqual(res.json(), { a: '1' })
  } finally {
    await app.close()
  }
})

test('a bad key from the environment is named', async () => {
  const err = await bootError({ root: fixture('safety'), settings: { logLevel: 'silent' }, env: { TAO_SECRET_KEY: 'short' } })
  assert.ok(isTaoError(err, 'TAO_ERR_SESSION_KEY_INVALID'), String(err))
  assert.match(err.message, /^settings\.secretKey \(or TAO_SECRET_KEY\) is not a valid secret key: its 5 base64 characters decode to 3 bytes, not 32/)
})
