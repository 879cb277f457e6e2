import assert from 'node:assert/strict'
import fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadSettings, type UserSettings } from '../settings/index.js'
import { bufferedStdout, buildLogger, RequestLineController, resolveLogFormat } from './logger.js'
import { isPlainAscii, JsonRequestController } from './request-log.js'

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

// Several workers share one stdout: a write of at most PIPE_BUF (4096) bytes to a pipe is
// atomic, so batches must stay within it and end with a whole line. fs.writeSync (what
// sonic-boom calls in sync mode) is watched for the batches' file.
test('JSON log batches: at most 4096 bytes a write, whole lines, in order, UTF-8 and Latin-1 lines alike', (t) => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'tao-log-batches-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const fd = fs.openSync(join(dir, 'out.log'), 'w')
  const writes: Buffer[] = []
  const writeSync = fs.writeSync
  t.mock.method(fs, 'writeSync', function (this: unknown, ...args: Parameters<typeof fs.writeSync>) {
    if (args[0] === fd) writes.push(Buffer.from(args[1] as unknown as Uint8Array))
    return (writeSync as (...a: unknown[]) => number).apply(this, args)
  })
  const out = bufferedStdout(fd)
  const lines: string[] = []
  for (let i = 0; i < 300; i++) {
    const ascii = `{"n":${i},"url":"/items/${i}?page=${'x'.repeat(i % 150)}"}\n`
    const unicode = `{"n":${i},"msg":"café ☕ ${'é'.repeat(i % 40)}"}\n`
    out.writeLatin1(ascii)
    out.write(unicode)
    lines.push(ascii, unicode)
  }
  const long = `{"msg":"${'y'.repeat(5000)}"}\n`
  out.write(long)
  lines.push(long)
  out.flushSync()
  fs.closeSync(fd)
  assert.ok(writes.length > 10)
  for (const w of writes) {
    assert.ok(w.length <= 4096 || w.toString('utf8') === long, `a write of ${w.length} bytes`)
    assert.equal(w[w.length - 1], 0x0a, 'a write ends with a whole line')
  }
  assert.equal(Buffer.concat(writes).toString('utf8'), lines.join(''))
  assert.equal(fs.readFileSync(join(dir, 'out.log'), 'utf8'), lines.join(''))
})

test('isPlainAscii: what a JSON request line takes without escaping', () => {
  assert.ok(isPlainAscii('/blog/2024/post?page=2&q=a+b%22'))
  for (const s of ['/a"b', '/a\\b', '/a\tb', '/caf\u00e9', '/\u2603', '/a\u007fb']) assert.ok(!isPlainAscii(s), s)
})
