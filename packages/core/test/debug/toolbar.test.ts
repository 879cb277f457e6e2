// The debug toolbar on a project in debug (as under `tao dev`): what it shows, where it goes,
// what it leaves alone, and that nothing of it exists with debug or the toolbar off.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { fixture, projectApp, rawGet } from '../support/project.js'

const TOOLBAR = 'id="tao-toolbar"'
const DEBUG_HOOKS = /debugStart|debugContext|debugToolbar|debugEnd/

/** The toolbar's HTML in `body` (from its opening div to the end), or null. */
function toolbarOf (body: string): string | null {
  const at = body.indexOf('<div id="tao-toolbar"')
  return at === -1 ? null : body.slice(at)
}

describe('debug on: the toolbar', () => {
  let app: TaoApp
  before(async () => { app = await projectApp(fixture('debug-toolbar')) })
  after(() => app.close())

  test('goes before the last </body> of a rendered page, with the request, route and app', async () => {
    const res = await app.inject('/')
    assert.equal(res.statusCode, 200)
    const bar = toolbarOf(res.body)
    assert.ok(bar, 'the toolbar is on the page')
    assert.equal(res.body.split(TOOLBAR).length, 2, 'once')
    assert.match(res.body, /<h1>Visits: 1<\/h1><p>an item<\/p>\n<div id="tao-toolbar"/)
    assert.match(bar, /<\/div>\n<\/body>\n<\/html>\n?$/)
    assert.match(bar, /<dt>Method<\/dt><dd>GET<\/dd>/)
    assert.match(bar, /<dt>Path<\/dt><dd><code>\/<\/code><\/dd>/)
    assert.match(bar, /<dt>Status<\/dt><dd>200<\/dd>/)
    assert.match(bar, /<dt>Route<\/dt><dd><code>pages:index<\/code><\/dd>/)
    assert.match(bar, /<dt>App<\/dt><dd>pages<\/dd>/)
    assert.match(bar, /<dt>Time<\/dt><dd>\d+\.\d ms<\/dd>/)
  })

  test('lists the templates the request rendered, in order, and not its own', async () => {
    const bar = toolbarOf((await app.inject('/')).body)!
    assert.match(bar, />Templates \(1\)<\/button>/)
    assert.match(bar, /<tr><td><code>pages:index<\/code><\/td><td><code>count<\/code><\/td><td>\d+\.\d<\/td><td><code>pages:index<\/code> &rarr; <code>pages:base<\/code> &rarr; <code>pages:partials\/item<\/code><\/td><\/tr>/)
    assert.doesNotMatch(bar, /tao:toolbar/)
  })

  test('lists the database commands the view ran: command, collection, database, duration', async () => {
    const bar = toolbarOf((await app.inject('/')).body)!
    assert.match(bar, />Database \(2\)<\/button>/)
    assert.match(bar, /<td>1<\/td><td>insert<\/td><td>visits<\/td><td>tao<\/td><td>\d+\.\d<\/td><td>\d+\.\d<\/td><td>1<\/td>/)
    assert.match(bar, /<td>2<\/td><td>aggregate<\/td><td>visits<\/td><td>tao<\/td><td>\d+\.\d<\/td><td>\d+\.\d<\/td><td>1<\/td>/)
    // Requests at the same time each get their own commands.
    const pages = await Promise.all([app.inject('/'), app.inject('/'), app.inject('/session')])
    assert.match(toolbarOf(pages[0]!.body)!, />Database \(2\)<\/button>/)
    assert.match(toolbarOf(pages[1]!.body)!, />Database \(2\)<\/button>/)
    assert.match(toolbarOf(pages[2]!.body)!, />Database \(0\)<\/button>/)
  })

  test('a route taking a body is watched too (its own context)', async () => {
    const bar = toolbarOf((await app.inject({ method: 'POST', url: '/visits' })).body)!
    assert.match(bar, /<dt>Route<\/dt><dd><code>pages:add_visit<\/code><\/dd>/)
    assert.match(bar, />Database \(1\)<\/button>/)
  })

  test('shows the session keys, never their values, once the session was read', async () => {
    const bar = toolbarOf((await app.inject('/session')).body)!
    assert.match(bar, /<dt>Session<\/dt><dd>keys <code>cart<\/code>, <code>user<\/code><\/dd>/)
    assert.doesNotMatch(bar, /secret-value|tea/)
    assert.match(toolbarOf((await app.inject('/')).body)!, /<dt>Session<\/dt><dd>not read by this request<\/dd>/)
  })

  test('Content-Length matches the modified page, also when the handler set it', async () => {
    for (const url of ['/', '/sized']) {
      const res = await app.inject(url)
      assert.ok(toolbarOf(res.body), url)
      assert.equal(Number(res.headers['content-length']), res.rawPayload.length, url)
    }
    assert.match((await app.inject('/sized')).body, /<p>sized ✓<\/p><div id="tao-toolbar"/)
  })

  test('values are escaped: a path with <script> in it', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const res = await rawGet(Number(new URL(address).port), '/echo/<b>?q=<script>alert(1)</script>')
    assert.equal(res.status, 200)
    assert.match(res.body, /<dt>Path<\/dt><dd><code>\/echo\/&lt;b&gt;\?q=&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code><\/dd>/)
    assert.match(res.body, /<h1>Visits: &lt;b&gt;<\/h1>/)
    assert.doesNotMatch(res.body, /<script>alert|<b>/)
  })

  test('no inline script or event handler: its script and styles are files under /static/tao/', async () => {
    const res = await app.inject('/')
    const bar = toolbarOf(res.body)!
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/)
    assert.doesNotMatch(bar, /<script(?![^>]*\ssrc=)/)
    assert.doesNotMatch(bar, /\son[a-z]+=/i)
    const js = bar.match(/<script src="([^"]+)"/)?.[1]
    const css = bar.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1]
    assert.equal(js, '/static/tao/toolbar.js')
    assert.equal(css, '/static/tao/toolbar.css')
    const [script, style] = await Promise.all([app.inject(js), app.inject(css)])
    assert.equal(script.statusCode, 200)
    assert.match(String(script.headers['content-type']), /javascript/)
    assert.match(script.body, /addEventListener\('click'/)
    assert.equal(style.statusCode, 200)
    assert.match(String(style.headers['content-type']), /^text\/css/)
    assert.doesNotMatch(style.body, new RegExp(TOOLBAR))
  })

  test('left alone: JSON, HTML without </body>, XMLHttpRequest and htmx requests', async () => {
    const json = await app.inject('/api')
    assert.equal(json.statusCode, 200)
    assert.equal(typeof json.json().visits, 'number')
    assert.equal((await app.inject('/fragment')).body, '<p>a fragment</p>')
    for (const headers of [{ 'x-requested-with': 'XMLHttpRequest' }, { 'hx-request': 'true' }]) {
      const res = await app.inject({ url: '/', headers })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<\/body>/)
      assert.doesNotMatch(res.body, new RegExp(TOOLBAR), JSON.stringify(headers))
    }
  })

  test('its hooks are on the pages, and the driver monitors commands', () => {
    assert.match(app.fastify.printRoutes({ includeHooks: true }), DEBUG_HOOKS)
    assert.equal(app.mongo.options.monitorCommands, true)
  })
})

for (const [label, settings, env] of [
  ['debug off', { debug: false }, {}],
  ['debugToolbar: false', { debugToolbar: false }, {}],
  ['TAO_DEBUG_TOOLBAR=false', {}, { TAO_DEBUG_TOOLBAR: 'false' }],
] as const) {
  test(`${label}: no toolbar, no debug hook, no command monitoring`, async (t) => {
    const app = await projectApp(fixture('debug-toolbar'), { settings, env })
    t.after(() => app.close())
    const res = await app.inject('/')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /<h1>Visits: 1<\/h1>/)
    assert.doesNotMatch(res.body, new RegExp(TOOLBAR))
    const routes = app.fastify.printRoutes({ includeHooks: true })
    assert.match(routes, /saveSession/, 'hooks are listed')
    assert.doesNotMatch(routes, DEBUG_HOOKS)
    assert.equal(app.mongo.options.monitorCommands, false)
  })
}
