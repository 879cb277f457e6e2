// X-Forwarded-For/-Proto/-Host are honoured only from a trusted peer: over inject with a chosen
// peer address, over real TCP on 127.0.0.1, and over a real unix socket (nginx's usual setup).
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { TaoApp, UserSettings } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

const FORWARDED = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'www.example.com' }
const DIRECT = { ip: null as string | null, protocol: 'http', host: 'localhost' }

async function start (settings: UserSettings = {}): Promise<TaoApp> {
  const app = await createTestApp({ root: fixture('safety'), settings })
  after(() => app.close())
  return app
}

async function whoami (app: TaoApp, remoteAddress: string) {
  const res = await app.inject({ url: '/whoami', remoteAddress, headers: { host: 'localhost', ...FORWARDED } } as never)
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as typeof DIRECT
}

/** GET /whoami over a real connection (TCP port or unix socket). */
function httpWhoami (target: { port: number } | { socketPath: string }): Promise<typeof DIRECT> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target, host: '127.0.0.1', path: '/whoami', headers: { host: 'localhost', ...FORWARDED } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c })
      res.on('end', () => resolve(JSON.parse(body)))
    })
    req.on('error', reject)
    req.end()
  })
}

test('no trustProxy: X-Forwarded-* changes nothing', async () => {
  const app = await start()
  assert.deepEqual(await whoami(app, '10.0.0.1'), { ...DIRECT, ip: '10.0.0.1' })
})

test('an address list: honoured from a listed peer, ignored from any other', async () => {
  const app = await start({ server: { trustProxy: ['10.0.0.1', '192.168.0.0/16'] } })
  assert.deepEqual(await whoami(app, '10.0.0.1'), { ip: '203.0.113.9', protocol: 'https', host: 'www.example.com' })
  assert.deepEqual(await whoami(app, '::ffff:192.168.3.4'), { ip: '203.0.113.9', protocol: 'https', host: 'www.example.com' })
  // A direct client sending the same headers.
  assert.deepEqual(await whoami(app, '203.0.113.50'), { ...DIRECT, ip: '203.0.113.50' })
})

test('X-Forwarded-For is walked back only through trusted hops', async () => {
  const app = await start({ server: { trustProxy: ['10.0.0.1', '203.0.113.9'] } })
  // 203.0.113.9 is a trusted proxy too, so the client is the hop before it.
  assert.equal((await whoami(app, '10.0.0.1')).ip, '198.51.100.1')
})

test('true and a hop count trust any peer', async () => {
  assert.deepEqual(await whoami(await start({ server: { trustProxy: true } }), '203.0.113.50'), { ip: '198.51.100.1', protocol: 'https', host: 'www.example.com' })
  assert.equal((await whoami(await start({ server: { trustProxy: 1 } }), '203.0.113.50')).ip, '203.0.113.9')
})

test("over real TCP: 'loopback' trusts a proxy on 127.0.0.1; another list does not", async () => {
  const trusting = await start({ server: { trustProxy: ['loopback'] } })
  const port = Number(new URL(await trusting.listen({ port: 0, host: '127.0.0.1' })).port)
  assert.deepEqual(await httpWhoami({ port }), { ip: '203.0.113.9', protocol: 'https', host: 'www.example.com' })
  const other = await start({ server: { trustProxy: ['10.0.0.1'] } })
  const port2 = Number(new URL(await other.listen({ port: 0, host: '127.0.0.1' })).port)
  assert.deepEqual(await httpWhoami({ port: port2 }), { ...DIRECT, ip: '127.0.0.1' })
})

test("on a unix socket: 'unix' trusts the proxy; an address list never matches it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tao-sock-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const trusting = await start({ server: { trustProxy: ['unix'] } })
  await trusting.listen({ socket: join(dir, 'a.sock') })
  assert.deepEqual(await httpWhoami({ socketPath: join(dir, 'a.sock') }), { ip: '203.0.113.9', protocol: 'https', host: 'www.example.com' })
  const addresses = await start({ server: { trustProxy: ['127.0.0.1'] } })
  await addresses.listen({ socket: join(dir, 'b.sock') })
  assert.deepEqual(await httpWhoami({ socketPath: join(dir, 'b.sock') }), DIRECT)
})

test('a bad trustProxy entry is a settings error naming the key', async () => {
  await assert.rejects(createTestApp({ root: fixture('safety'), settings: { server: { trustProxy: ['10.0.0.300', 'nginx'] } } }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TAO_ERR_SETTINGS_INVALID')
    assert.match(err.message, /server\.trustProxy\[0\]: expected an IP address, a CIDR range such as '10\.0\.0\.0\/8', or one of 'loopback', 'linklocal', 'uniquelocal', 'unix', got '10\.0\.0\.300'/)
    assert.match(err.message, /server\.trustProxy\[1\]: .* got 'nginx'/)
    return true
  })
})
