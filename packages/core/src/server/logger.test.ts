import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadSettings, type UserSettings } from '../settings/index.js'
import { buildLogger, RequestLineController, resolveLogFormat } from './logger.js'

const settings = (overrides: UserSettings) => loadSettings({ root: import.meta.dirname, inline: true, overrides, env: {} })

test("logFormat 'auto' is pretty in debug and JSON otherwise; 'pretty' and 'json' win either way", async () => {
  const format = async (logFormat: 'auto' | 'pretty' | 'json', debug: boolean) => resolveLogFormat(await settings({ logFormat, debug }))
  assert.equal(await format('auto', true), 'pretty')
  assert.equal(await format('auto', false), 'json')
  assert.equal(await format('pretty', false), 'pretty')
  assert.equal(await format('json', true), 'json')
})

test('pretty mode takes over request logging with one line per request; JSON keeps Fastify\'s own', async () => {
  const pretty = await buildLogger(await settings({ logFormat: 'pretty' }))
  assert.ok(pretty.logController instanceof RequestLineController)
  assert.ok(pretty.logger && pretty.logger.stream, 'pino-pretty is the stream')
  const json = await buildLogger(await settings({ logFormat: 'json' }))
  assert.deepEqual(json, { logger: { level: 'info' } })
  assert.deepEqual(await buildLogger(await settings({ logLevel: 'silent', logFormat: 'pretty' })), { logger: false })
})
