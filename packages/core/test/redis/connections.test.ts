import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { isTaoError, type Redis } from '@tao/core'
import { fixtureApp } from '../kernel/helpers.js'
import { needsRedis, startRedis } from '../support/redis-server.js'
import { until } from '../support/unit.js'

const secretKey = randomBytes(32).toString('hex')

test('without a Redis URL nothing connects, and asking for Redis says how to configure it', async (t) => {
  const app = await fixtureApp('basic', { settings: { secretKey } })
  t.after(() => app.close())
  await app.ready()
  assert.throws(() => app.redis, (err: unknown) => isTaoError(err, 'TAO_ERR_REDIS_NOT_CONFIGURED') &&
    /app\.redis needs Redis, and no Redis URL is set\. Set settings\.redis\.url \(or TAO_REDIS_URL\)/.test(err.message))
})

test('a bad Redis URL stops the start with the key and an example', async () => {
  await assert.rejects(fixtureApp('basic', { env: { TAO_REDIS_URL: 'localhost:6379' } }), (err: unknown) =>
    isTaoError(err, 'TAO_ERR_SETTINGS_INVALID') &&
    /redis\.url: expected a Redis URL such as 'redis:\/\/127\.0\.0\.1:6379'.*\(from the environment variable TAO_REDIS_URL\)/.test(err.message))
})

for (const socket of [false, true]) {
  test(`app.redis is one shared connection to the configured Redis (${socket ? 'unix socket' : 'TCP'}), closed with the app`, { skip: needsRedis }, async (t) => {
    const server = await startRedis({ socket })
    t.after(() => server.stop())
    const app = await fixtureApp('basic', { env: { TAO_REDIS_URL: server.url }, settings: { secretKey } })
    t.after(() => app.close())
    await app.ready()
    const client = app.redis
    assert.equal(app.redis, client)
    await client.set('k', 'v')
    assert.equal(await client.get('k'), 'v')
    assert.equal(app.settings.redis.prefix, 'tao:tao:')
    await app.close()
    assert.equal(client.status, 'end')
  })
}

test('a Redis outage fails commands fast with the client error, and the connection comes back by itself', { skip: needsRedis }, async (t) => {
  const server = await startRedis()
  t.after(() => server.stop())
  const app = await fixtureApp('basic', { settings: { secretKey, redis: { url: server.url } } })
  t.after(() => app.close())
  await app.ready()
  const client: Redis = app.redis
  await until(() => client.status === 'ready', 5_000, 'connected')
  await server.kill()
  const started = Date.now()
  await assert.rejects(client.get('k'))
  assert.ok(Date.now() - started < 1_500, 'a command during an outage fails within the command timeout')
  await server.restart()
  await until(() => client.status === 'ready', 10_000, 'reconnected')
  assert.equal(await client.set('k', 'back'), 'OK')
})
