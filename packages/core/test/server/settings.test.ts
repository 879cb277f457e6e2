// The process settings: workers, health paths, services, and TAO_TRUST_PROXY from the environment.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadSettings } from '@tao/core'

const load = (overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  loadSettings({ root: '/p', inline: true, overrides, env })

test('defaults: one process, health at /-/live and /-/ready, services on', async () => {
  const s = await load()
  assert.equal(s.server.workers, undefined)
  assert.deepEqual(s.server.health, { live: '/-/live', ready: '/-/ready' })
  assert.deepEqual(s.services, { enabled: true, stopTimeout: 5000, leaseTtl: 5000 })
  assert.equal(s.server.shutdownTimeout, 10_000)
})

test('TAO_WORKERS and TAO_TRUST_PROXY come from the environment', async () => {
  assert.equal((await load({}, { TAO_WORKERS: 'auto' })).server.workers, 'auto')
  assert.equal((await load({}, { TAO_WORKERS: '3' })).server.workers, 3)
  assert.deepEqual((await load({}, { TAO_TRUST_PROXY: 'unix' })).server.trustProxy, ['unix'])
  assert.deepEqual((await load({}, { TAO_TRUST_PROXY: 'loopback, 10.0.0.0/8' })).server.trustProxy, ['loopback', '10.0.0.0/8'])
  assert.equal((await load({}, { TAO_TRUST_PROXY: 'true' })).server.trustProxy, true)
  assert.equal((await load({}, { TAO_TRUST_PROXY: '2' })).server.trustProxy, 2)
  await assert.rejects(load({}, { TAO_TRUST_PROXY: 'nginx' }), /server\.trustProxy\[0\]: expected an IP address.*\(from the environment variable TAO_TRUST_PROXY\)/)
})

test('bad process settings are reported with their key', async () => {
  await assert.rejects(load({ server: { workers: 0 } }), /server\.workers: expected a number of workers or 'auto', got 0/)
  await assert.rejects(load({ services: { stopTimeout: 'soon' } }), /services\.stopTimeout: expected a duration/)
  await assert.rejects(load({ server: { health: { live: 'live' } } }), /server\.health\.live: expected a path such as '\/-\/ready', or false to turn it off/)
})
