// The Django-style checks of `tao check`, each id triggered and not triggered.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { loadSettings, runChecks, formatReport, type UserSettings } from '@tao/core'

const base = mkdtempSync(join(tmpdir(), 'tao-checks-'))
after(() => rmSync(base, { recursive: true, force: true }))
let n = 0

const GOOD_KEY = '9c1f4e7a2b8d5063f1a9e4c7b2d8f5a0e3c6b9d2f5a8e1c4b7d0f3a6e9c2b5d8'
const good: UserSettings = {
  secretKey: GOOD_KEY,
  allowedHosts: ['example.com'],
  server: { socket: '/run/site/tao.sock', trustProxy: true },
  database: { url: 'mongodb://db.example.com/site' },
  redis: { url: 'redis://cache.example.com:6379' },
}

const NGINX = (o: { keepalive?: string, body?: string, alias?: string } = {}) => `
upstream site_tao {
    server unix:/run/site/tao.sock;
    keepalive 16;
    ${o.keepalive ? `keepalive_timeout ${o.keepalive};` : ''}
}
server {
    listen 80;
    client_max_body_size ${o.body ?? '10m'}; # the upload limit
    location /static/ {
        alias ${o.alias ?? '/nonexistent/'};
    }
    location / {
        proxy_pass http://site_tao;
    }
}
`

/** A project folder with `files`, checked with `settings` (plus `extra` keys other concerns own). */
async function check (settings: UserSettings, files: Record<string, string> = {}, deploy = true, extra: Record<string, unknown> = {}) {
  const root = join(base, `p${++n}`)
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  mkdirSync(root, { recursive: true })
  const s = await loadSettings({ root, inline: true, overrides: settings, env: {} })
  return await runChecks({ settings: { ...s, ...extra }, root, services: [] }, { deploy })
}
const ids = (r: { findings: { id: string }[] }) => r.findings.map((f) => f.id)

test('a well-configured deployment has no findings', async () => {
  const staticDir = join(base, 'collected')
  mkdirSync(staticDir, { recursive: true })
  writeFileSync(join(staticDir, 'site.css'), 'body{}')
  const r = await check(good, { 'deploy/nginx.conf': NGINX({ alias: `${staticDir}/` }), 'deploy/site.service': '[Service]\nTimeoutStopSec=30\n' })
  assert.deepEqual(ids(r), [])
  assert.equal(formatReport(r), 'System check identified no issues (0 silenced).\n')
})

test('security: secret key missing or weak, debug on, no allowed hosts', async () => {
  assert.deepEqual(ids(await check({ ...good, secretKey: undefined })), ['security.E001'])
  const weak = await check({ ...good, secretKey: 'changeme' })
  assert.deepEqual(ids(weak), ['security.W001'])
  assert.equal(weak.findings[0]!.msg, 'The secret key is weak: it is a placeholder word.')
  assert.equal((await check({ ...good, secretKey: 'ab12' })).findings[0]!.msg, 'The secret key is weak: it has 2 bytes, fewer than 32.')
  // Regression for #13: a key that decodes to 32 low-entropy bytes is an error (production refuses it).
  const zero = await check({ ...good, secretKey: '0'.repeat(64) })
  assert.deepEqual(ids(zero), ['security.E002'])
  assert.match(zero.findings[0]!.msg, /^The secret key is low-entropy: it is one byte repeated\. tao refuses to start with it/)
  assert.match((await check({ ...good, secretKey: 'a'.repeat(64) })).findings[0]!.msg, /low-entropy: it is one byte repeated/)
  assert.match((await check({ ...good, secretKey: [GOOD_KEY, 'ab'.repeat(32)] })).findings[0]!.msg, /low-entropy: key 2: it is one byte repeated/)
  assert.match((await check({ ...good, secretKey: 'q'.repeat(64) })).findings[0]!.msg, /too few distinct characters/)
  assert.match((await check({ ...good, secretKey: [GOOD_KEY, 'short'] })).findings[0]!.msg, /key 2: it has/)
  assert.deepEqual(ids(await check({ ...good, debug: true })), ['security.W002', 'static.W001'])
  assert.deepEqual(ids(await check({ ...good, allowedHosts: [] })), ['security.W003'])
})

test('security: trustProxy must match the deployment', async () => {
  const off = await check({ ...good, server: { socket: '/run/s.sock' } }, { 'deploy/nginx.conf': NGINX() })
  assert.ok(ids(off).includes('security.W004'))
  assert.match(off.findings.find((f) => f.id === 'security.W004')!.msg, /^deploy\/nginx\.conf proxies to tao but server\.trustProxy is off: .*no Secure cookies/)
  const listed = await check({ ...good, server: { socket: '/run/s.sock', trustProxy: ['127.0.0.1'] } }, { 'deploy/nginx.conf': NGINX({ alias: '/' }) })
  assert.deepEqual(ids(listed), ['security.W004'])
  assert.match(listed.findings[0]!.msg, /unix socket and server\.trustProxy lists addresses but not 'unix'/)
  assert.deepEqual(ids(await check({ ...good, server: { socket: '/run/s.sock', trustProxy: ['unix'] } }, { 'deploy/nginx.conf': NGINX({ alias: '/' }) })), [])
  const open = await check({ ...good, server: { host: '0.0.0.0', trustProxy: true } })
  assert.deepEqual(ids(open), ['security.W005', 'security.W006'])
  assert.match(open.findings[0]!.msg, /tao listens on 0\.0\.0\.0/)
  assert.deepEqual(ids(await check({ ...good, server: { host: '127.0.0.1', trustProxy: true } })), [])
})

test('security: plain HTTP on a public address without a proxy means no Secure session cookie', async () => {
  const r = await check({ ...good, server: { host: '0.0.0.0', port: 8000 } })
  assert.deepEqual(ids(r), ['security.W006'])
  assert.match(r.findings[0]!.msg, /^tao answers plain HTTP on 0\.0\.0\.0:8000 with no proxy in front/)
  assert.deepEqual(ids(await check({ ...good, server: { host: '0.0.0.0', trustProxy: ['loopback'] } }, { 'deploy/nginx.conf': NGINX({ alias: '/' }) })), [])
})

test('database: the database concern\'s own checks run too', async () => {
  const r = await check({ ...good, database: { url: 'mongodb://u:secret@db.example.com/site' } }, {}, false)
  assert.deepEqual(ids(r), ['database.W002'])
})

test('server: keep-alive, body size and systemd stop timeout against deploy/ files', async () => {
  const r = await check({ ...good, server: { ...good.server, keepAliveTimeout: '60s', bodyLimit: '10mb', shutdownTimeout: '20s' } }, {
    'deploy/nginx.conf': NGINX({ keepalive: '65s', body: '2m', alias: '/' }),
    'deploy/site.service': '[Service]\nTimeoutStopSec=15s\n',
  }, false)
  assert.deepEqual(ids(r), ['server.W001', 'server.W002', 'server.W003'])
  assert.match(r.findings[0]!.msg, /^server\.keepAliveTimeout \(60000 ms\) is not longer than the keepalive_timeout of the upstream in deploy\/nginx\.conf \(65000 ms\)/)
  assert.match(r.findings[1]!.msg, /client_max_body_size 2m, smaller than tao's upload limit \(10485760 bytes, the larger of server\.bodyLimit and forms\.maxFileSize\)/)
  assert.match(r.findings[2]!.msg, /^deploy\/site\.service lets systemd wait 15000 ms/)
  // nginx's default upstream keepalive_timeout (60s) is shorter than tao's default (75s).
  assert.deepEqual(ids(await check(good, { 'deploy/nginx.conf': NGINX({ alias: '/' }) }, false)), [])
})

test('websocket.W001: a database several machines share, and channels with no broker (issue #18)', async () => {
  const none = await check({ ...good, redis: {}, checks: { silence: ['cache.W001'] } })
  assert.deepEqual(ids(none), ['websocket.W001'])
  assert.match(none.findings[0]!.msg, /channels have no broker \(websocket\.transport 'auto', no Redis URL\)/)
  assert.match(none.findings[0]!.hint, /TAO_REDIS_URL/)
  assert.deepEqual(ids(await check({ ...good, redis: {}, websocket: { channels: { url: 'redis://10.0.0.9' } } })), ['cache.W001'])
  assert.deepEqual(ids(await check({ ...good, redis: {}, database: { url: 'mongodb://127.0.0.1:27017/site' } })), [], 'a database on loopback serves one machine')
  assert.deepEqual(ids(await check({ ...good, websocket: { transport: 'cluster' } })), ['websocket.W001'], "'cluster' ignores the Redis URL")
  // What a primary's workers get as TAO_DATABASE_URL: its embedded store on a unix socket.
  assert.deepEqual(ids(await check({ ...good, redis: {}, database: { url: 'mongodb://%2Ftmp%2Ftao-db-x1%2Fmongodb.sock/?directConnection=true' } })), [], 'a database on a unix socket serves one machine')
})

test('cache.W001: a database several machines share, and the cache or rate limits in memory (issue #18)', async () => {
  const none = await check({ ...good, redis: {}, checks: { silence: ['websocket.W001'] } })
  assert.deepEqual(ids(none), ['cache.W001'])
  assert.match(none.findings[0]!.msg, /but the cache lives and rate limits count in each process's memory: on several machines, a cache\.delete\(\) on one/)
  assert.match(none.findings[0]!.hint, /TAO_REDIS_URL/)
  const limitsOnly = await check({ ...good, rateLimit: { store: 'memory' } })
  assert.deepEqual(ids(limitsOnly), ['cache.W001'])
  assert.match(limitsOnly.findings[0]!.msg, /but rate limits count in each process's memory/)
  assert.deepEqual(ids(await check({ ...good, redis: {}, database: { url: 'mongodb://127.0.0.1:27017/site' } })), [], 'a database on loopback serves one machine')
  assert.deepEqual(ids(await check({ ...good, redis: {}, database: { url: 'mongodb://%2Ftmp%2Ftao-db-x1%2Fmongodb.sock/?directConnection=true' } })), [], 'a database on a unix socket serves one machine')
})

test('database and static files: embedded store, hashing off, missing collectstatic output', async () => {
  assert.deepEqual(ids(await check({ ...good, database: {} })), ['database.W003'])
  assert.deepEqual(ids(await check({ ...good, static: { hashed: false } })), ['static.W001'])
  const missing = await check(good, { 'deploy/nginx.conf': NGINX({ alias: join(base, 'not-collected') + '/' }) })
  assert.deepEqual(ids(missing), ['static.W002'])
  assert.match(missing.findings[0]!.hint, /tao collectstatic/)
})

test('deploy-only checks are skipped without --deploy; silenced ids are counted, not shown', async () => {
  assert.deepEqual(ids(await check({ debug: true }, {}, false)), [])
  const r = await check({ allowedHosts: [], database: {}, checks: { silence: ['database.W003', 'security.W003'] } })
  assert.deepEqual(ids(r), ['security.E001'])
  assert.equal(r.silenced, 2)
  assert.equal(formatReport(r), [
    'System check identified some issues:',
    '',
    'ERRORS:',
    'security.E001: No secret key is set (settings.secretKey / TAO_SECRET_KEY).',
    '\tHINT: Set TAO_SECRET_KEY in the environment or .env to 32 random bytes: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))".',
    '',
    'System check identified 1 issue (2 silenced).',
    '',
  ].join('\n'))
})
