import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadSettings, type UserSettings } from '../settings/index.js'
import { buildLogger, RequestLineController, resolveLogFormat } from './logger.js'
import { JsonRequestController } from './request-log.js'

const settings = (overrides: UserSettings) => loadSettings({ root: import.meta.dirname, inline: true, overrides, env: {} })

test("logFormat 'auto' is pretty in debug and JSON otherwise; 'pretty' and 'json' win either way", async () => {
  const format = async (logFormat: 'auto' | 'pretty' | 'json', debug: boolean) => resolveLogFormat(await settings({ logFormat, debug }))
  assert.equal(await format('auto', true), 'pretty')
  assert.equal(await format('auto', false), 'json')
  assert.equal(await format('pretty', false), 'pretty')
  assert.equal(await format('json', true), 'json')
})

test('pretty mode writes one human line per request; JSON one JSON line; silent none', async () => {
  const pretty = await buildLogger(await settings({ logFormat: 'pretty' }))
  assert.ok('logController' in pretty && pretty.logController instanceof RequestLineController)
  const json = await buildLogger(await settings({ logFormat: 'json' }))
  assert.ok('root' in json && json.logController instanceof JsonRequestController)
  assert.equal(json.root.level, 'info')
  // Fastify gets no logger of its own in JSON mode: it would add listeners to every response.
  assert.ok(!('loggerInstance' in json) && !('logger' in json))
  assert.deepEqual(await buildLogger(await settings({ logLevel: 'silent', logFormat: 'pretty' })), { logger: false })
})
