// Who gets the debug toolbar: only clients whose own address is in
// settings.debugToolbarAddresses (default loopback), never by a header they write, and nobody
// with debug off, where neither the toolbar, its pages nor any error detail exist.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError, loadSettings } from '@tao/core'
import { fixture, projectApp, rawGet } from '../support/project.js'

const TOOLBAR = 'id="tao-toolbar"'

test('a client outside the allowed addresses gets pages without the toolbar, and 404 from its URLs', async (t) => {
  const app = await projectApp(fixture('debug-toolbar'), { settings: { server: { trustProxy: true } } })
  t.after(() => app.close())
  // The default: loopback only (127.0.0.1 and ::1, IPv4-mapped included).
  for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    assert.match((await app.inject({ url: '/', remoteAddress })).body, new RegExp(TOOLBAR), remoteAddress)
  }
  const seen = await app.inject({ url: '/', remoteAddress: '127.0.0.1' })
  const id = /\/-\/toolbar\/requests\/(\d+)/.exec(seen.body)![1]!
  assert.equal((await app.inject({ url: `/-/toolbar/requests/${id}`, remoteAddress: '127.0.0.1' })).statusCode, 200)
  // From a LAN address, even claiming loopback in X-Forwarded-For behind a trusted proxy.
  for (const headers of [{}, { 'x-forwarded-for': '127.0.0.1' }]) {
    const page = await app.inject({ url: '/', remoteAddress: '192.168.1.20', headers })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<h1>Visits: \d+<\/h1>/)
    assert.doesNotMatch(page.body, new RegExp(TOOLBAR))
    for (const url of [`/-/toolbar/requests/${id}`, `/-/toolbar/requests/${id}/commands/1/explain`]) {
      const refused = await app.inject({ url, remoteAddress: '192.168.1.20', headers })
      assert.equal(refused.statusCode, 404, url)
      assert.doesNotMatch(refused.body, /Visits|aggregate|tao-toolbar|TAO_ERR_DEBUG/, url)
    }
  }
  // Its requests are not recorded either: the history holds loopback requests only.
  const history = (await app.inject({ url: '/', remoteAddress: '127.0.0.1' })).body
  assert.equal([...history.matchAll(/\/-\/toolbar\/requests\/\d+"/g)].length, 5)
})

test('with the setting changed, loopback is refused over real HTTP and the listed range is served', async (t) => {
  const app = await projectApp(fixture('debug-toolbar'), { settings: { debugToolbarAddresses: ['10.0.0.0/8'] } })
  t.after(() => app.close())
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  const page = await rawGet(port, '/')
  assert.equal(page.status, 200)
  assert.doesNotMatch(page.body, new RegExp(TOOLBAR))
  assert.equal((await rawGet(port, '/-/toolbar/requests/1')).status, 404)
  const lan = await app.inject({ url: '/', remoteAddress: '10.20.30.40' })
  assert.match(lan.body, new RegExp(TOOLBAR))
  const id = /\/-\/toolbar\/requests\/(\d+)/.exec(lan.body)![1]!
  assert.equal((await app.inject({ url: `/-/toolbar/requests/${id}`, remoteAddress: '10.20.30.40' })).statusCode, 200)
  assert.equal((await rawGet(port, `/-/toolbar/requests/${id}`)).status, 404)
})

test('debugToolbarAddresses: each bad entry is named; TAO_DEBUG_TOOLBAR_ADDRESSES is comma-separated', async () => {
  await assert.rejects(loadSettings({ root: fixture('debug-toolbar'), inline: true, overrides: { debugToolbarAddresses: ['localhost', '10.0.0.0/33', '::1'] } }), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SETTINGS_INVALID'))
    assert.match(err.message, /debugToolbarAddresses\[0\]: expected an IP address or a CIDR range/)
    assert.match(err.message, /debugToolbarAddresses\[1\]: expected an IP address or a CIDR range/)
    assert.doesNotMatch(err.message, /debugToolbarAddresses\[2\]/)
    return true
  })
  const s = await loadSettings({ root: fixture('debug-toolbar'), inline: true, env: { TAO_DEBUG_TOOLBAR_ADDRESSES: '127.0.0.1, 192.168.0.0/16' } })
  assert.deepEqual(s.debugToolbarAddresses, ['127.0.0.1', '192.168.0.0/16'])
})

test('debug off exposes nothing: no toolbar, no toolbar route, no error details', async (t) => {
  const app = await projectApp(fixture('debug-toolbar'), { settings: { debug: false, secretKey: 'c2f1e0d9b8a7968574635241302f1e0dc2f1e0d9b8a7968574635241302f1e0d', allowedHosts: ['localhost'] } })
  t.after(() => app.close())
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  const page = await rawGet(port, '/')
  assert.equal(page.status, 200)
  assert.doesNotMatch(page.body, new RegExp(TOOLBAR))
  for (const url of ['/-/toolbar/requests/1', '/-/toolbar/requests/1/commands/0/explain']) {
    const res = await rawGet(port, url)
    assert.equal(res.status, 404, url)
    assert.match(res.body, /<p>No page at GET \/-\/toolbar\/requests\/1[^<]*<\/p><\/body>/, url)
    assert.doesNotMatch(res.body, /TAO_ERR_DEBUG|tao-toolbar|Traceback|Routes/i, url)
  }
  assert.doesNotMatch(app.fastify.printRoutes(), /toolbar/)
  const boom = await rawGet(port, '/boom')
  assert.equal(boom.status, 500)
  assert.doesNotMatch(boom.body, /the view failed|views\.ts|at boom|Youch|settings/i)
  assert.match(boom.body, /Something went wrong on our side/)
})
