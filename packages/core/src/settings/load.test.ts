import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { buildSettings, loadSettings } from './index.js'

const tmp = mkdtempSync(join(tmpdir(), 'tao-settings-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

function project (name: string, settings: string, env = ''): string {
  const root = join(tmp, name)
  mkdirSync(root, { recursive: true })
  writeFileSync(join(root, 'settings.ts'), settings)
  if (env) writeFileSync(join(root, '.env'), env)
  return root
}

const opts = { root: '/p', file: '/p/settings.ts', env: {} }

test('defaults apply, durations and sizes normalize, and the result is deep-frozen', () => {
  const s = buildSettings({ server: { requestTimeout: '2m', bodyLimit: '2mb' } }, opts)
  assert.equal(s.debug, false)
  assert.equal(s.server.port, 8080)
  assert.equal(s.server.host, '127.0.0.1')
  assert.equal(s.server.requestTimeout, 120_000)
  assert.equal(s.server.bodyLimit, 2 * 1024 * 1024)
  assert.equal(s.templates.cache, true, "'auto' caches templates when debug is off")
  assert.equal(s.static.hashed, true)
  assert.equal(s.root, '/p')
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.server))
  assert.throws(() => { (s.server as { port: number }).port = 1 }, TypeError)
  const dev = buildSettings({ debug: true }, opts)
  assert.equal(dev.templates.cache, false)
})

test('every problem is reported at once, with its key path, the file and the expected type', () => {
  assert.throws(() => buildSettings({ debug: 'yes', server: { port: 'http', colour: 1 }, databse: {} }, opts), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SETTINGS_INVALID'))
    assert.match(err.message, /Invalid settings in \/p\/settings\.ts/)
    assert.match(err.message, /debug: expected a boolean, got 'yes'/)
    assert.match(err.message, /server\.port: expected a whole number from 0 to 65535, got 'http'/)
    assert.match(err.message, /server\.colour: unknown key \(known keys of server: host, port/)
    assert.match(err.message, /databse: unknown key/)
    assert.equal(err.details.file, '/p/settings.ts')
    return true
  })
})

test('TAO_* variables override the file, and a bad one names the variable', () => {
  const s = buildSettings({ server: { port: 1234 } }, { ...opts, env: { TAO_PORT: '9999', TAO_DEBUG: 'true', TAO_ALLOWED_HOSTS: 'a.com, b.com', TAO_DATABASE_URL: 'mongodb://db/x' } })
  assert.equal(s.server.port, 9999)
  assert.equal(s.debug, true)
  assert.deepEqual(s.allowedHosts, ['a.com', 'b.com'])
  assert.equal(s.database.url, 'mongodb://db/x')
  assert.throws(() => buildSettings({}, { ...opts, env: { TAO_PORT: 'eighty' } }), /server\.port: expected a whole number.*\(from the environment variable TAO_PORT\)/)
  const rotated = buildSettings({}, { ...opts, env: { TAO_SECRET_KEY: 'new,old' } })
  assert.deepEqual(rotated.secretKey, ['new', 'old'])
})

test('loadSettings reads settings.ts and .env, with the process environment winning', async () => {
  const root = project('ok', "export default { server: { port: 7000 }, logLevel: 'warn' }\n", 'TAO_PORT=7001\nTAO_HOST=0.0.0.0\n')
  const s = await loadSettings({ root, env: { TAO_HOST: '127.0.0.2' } })
  assert.equal(s.server.port, 7001)
  assert.equal(s.server.host, '127.0.0.2')
  assert.equal(s.logLevel, 'warn')
  assert.equal(s.file, join(root, 'settings.ts'))
})

test('a settings file without a default export, or that fails to import, is TAO_ERR_SETTINGS_LOAD', async () => {
  const noDefault = project('nodefault', 'export const x = 1\n')
  await assert.rejects(loadSettings({ root: noDefault, env: {} }), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SETTINGS_LOAD'))
    assert.match(err.message, /settings\.ts: it has no default export object\. The file must `export default defineSettings/)
    return true
  })
  const broken = project('broken', "import './missing.js'\nexport default {}\n")
  await assert.rejects(loadSettings({ root: broken, env: {} }), (err: unknown) => isTaoError(err, 'TAO_ERR_SETTINGS_LOAD') && /missing/.test(err.message))
  await assert.rejects(loadSettings({ root: join(tmp, 'nowhere'), env: {} }), (err: unknown) => isTaoError(err, 'TAO_ERR_PROJECT_NOT_FOUND'))
})
