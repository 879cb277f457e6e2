// The debug toolbar's panels, each from a real request to a real project in debug: headers,
// settings, logging, timeline, templates, database (explain, the N+1 warning), websockets and
// channel groups, services, and the history with its pages.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { CommandStartedEvent } from 'mongodb'
import { WebSocket } from 'ws'
import type { TaoApp } from '@tao/core'
import { fixture, projectApp, rawGet } from '../support/project.js'

const KEY = 'c2f1e0d9b8a7968574635241302f1e0dc2f1e0d9b8a7968574635241302f1e0d'
const MASK = '********************'

/** The toolbar's HTML in `body`, or fails. */
function toolbarOf (body: string): string {
  const at = body.indexOf('<div id="tao-toolbar"')
  assert.notEqual(at, -1, 'the toolbar is on the page')
  return body.slice(at)
}

/** The section of panel `name` in a toolbar. */
function panel (bar: string, name: string): string {
  const m = new RegExp(`<section data-tao-section="${name}"[^>]*>([\\s\\S]*?)</section>`).exec(bar)
  assert.ok(m, `panel ${name}`)
  return m[1]!
}

describe('toolbar panels', () => {
  let app: TaoApp
  let address: string
  before(async () => {
    app = await projectApp(fixture('debug-toolbar'), { settings: { secretKey: KEY, logLevel: 'warn', database: { url: 'memory', name: 'panels' } } })
    address = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  after(() => app.close())

  test('Headers: the request and response headers, cookies and authorization masked', async () => {
    const res = await fetch(`${address}/session`, { headers: { cookie: 'theme=dark', authorization: 'Bearer s3cr3t', 'x-custom': 'kept' } })
    const headers = panel(toolbarOf(await res.text()), 'headers')
    assert.match(headers, /<tr><th>x-custom<\/th><td>kept<\/td><\/tr>/)
    assert.match(headers, new RegExp(`<tr><th>cookie</th><td>\\${MASK.split('').join('\\')}</td></tr>`))
    assert.match(headers, /<tr><th>authorization<\/th><td>\*{20}<\/td><\/tr>/)
    assert.match(headers, /<h2>Response headers<\/h2>[\s\S]*<tr><th>content-type<\/th><td>text\/html; charset=utf-8<\/td><\/tr>/)
    assert.doesNotMatch(headers, /s3cr3t|dark/)
    // The session cookie is set after the toolbar was rendered: the request's page shows it, masked.
    assert.ok(res.headers.get('set-cookie'), 'the session cookie was set')
    const id = /\/-\/toolbar\/requests\/(\d+)/.exec(panel(toolbarOf(await (await fetch(`${address}/`)).text()), 'history').split('</tr>')[2]!)![1]
    const page = panel(await (await fetch(`${address}/-/toolbar/requests/${id}`)).text(), 'headers')
    assert.match(page, /<tr><th>set-cookie<\/th><td>\*{20}<\/td><\/tr>/, 'the session cookie is masked')
    assert.doesNotMatch(page, /s3cr3t|dark/)
  })

  test('Settings: all of them, secrets masked', async () => {
    const settings = panel(toolbarOf(await (await fetch(`${address}/`)).text()), 'settings')
    assert.match(settings, /&quot;debugToolbarAddresses&quot;: \[\n\s+&quot;127\.0\.0\.1&quot;/)
    assert.match(settings, /&quot;name&quot;: &quot;panels&quot;/)
    assert.match(settings, /&quot;secretKey&quot;: &quot;\*{20}&quot;/)
    assert.doesNotMatch(settings, new RegExp(KEY))
  })

  test('Logging: the lines the request wrote, at the logger level, with their levels', async () => {
    const logging = panel(toolbarOf(await (await fetch(`${address}/posts`)).text()), 'logging')
    assert.match(logging, /<tr class="tao-toolbar-log-warn"><td>warn<\/td><td>\d+\.\d<\/td><td>ran one query per author<\/td><\/tr>/)
    // logLevel 'warn': the info line was not written, so it is not shown either.
    assert.doesNotMatch(logging, /listing posts/)
  })

  test('Timeline: the phases, each command and each render, in order, with durations', async () => {
    const timeline = panel(toolbarOf(await (await fetch(`${address}/posts`)).text()), 'timeline')
    const rows = [...timeline.matchAll(/<tr class="tao-toolbar-(\w+)"><td>([^<]+)<\/td><td>([\d.]+)<\/td><td>([\d.]+)<\/td>/g)].map((m) => [m[1], m[2], Number(m[3]), Number(m[4])] as const)
    assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]}`), [
      'phase hooks before the handler (session, forms …)',
      'phase handler, until the response was sent',
      'db find posts',
      'db find posts',
      'db find posts',
      'render render pages:posts',
    ])
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]![2] >= rows[i - 1]![2], 'sorted by start')
    const handler = rows[1]!
    for (const r of rows.slice(2)) assert.ok(r[2] + r[3] <= handler[2] + handler[3] + 0.2, `${r[1]} within the handler`)
    assert.match(timeline, /<svg viewBox="0 0 100 4"[^>]*><rect x="[\d.]+" y="0" width="[\d.]+" height="4"\/><\/svg>/)
  })

  test('Templates: each render with the context keys it received and what it loaded', async () => {
    const templates = panel(toolbarOf(await (await fetch(`${address}/posts`)).text()), 'templates')
    assert.match(templates, /<tr><td><code>pages:posts<\/code><\/td><td><code>authors<\/code>, <code>found<\/code>, <code>title<\/code><\/td><td>\d+\.\d<\/td><td><code>pages:posts<\/code> &rarr; <code>pages:base<\/code><\/td><\/tr>/)
  })

  test('Database: the full filter, duration, documents returned, and the repeated-query warning', async () => {
    await app.db.collection('posts').insertMany([{ author: 'ann', title: 'a' }, { author: 'ann', title: 'b' }, { author: 'bob', title: 'c' }])
    try {
      const bar = toolbarOf(await (await fetch(`${address}/posts`)).text())
      const db = panel(bar, 'database')
      assert.match(bar, /tao 200 &middot; [\d.]+ ms &middot; &#9888; 1 repeated<\/button>/)
      assert.match(db, /<p class="tao-toolbar-warning">&#9888; The same find on <code>posts<\/code> ran 2 times \(commands #1, #3\): a query in a loop\?/)
      assert.match(db, /<td>1<\/td><td>find <span title="run 2 times identically">&times;2<\/span><\/td><td>posts<\/td><td>panels<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td>2<\/td>/)
      assert.match(db, /<td>2<\/td><td>find<\/td><td>posts<\/td><td>panels<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td>1<\/td>/)
      assert.match(db, /<pre>\{\n {2}&quot;find&quot;: &quot;posts&quot;,\n {2}&quot;filter&quot;: \{\n {4}&quot;author&quot;: &quot;bob&quot;\n {2}\}/)
      assert.doesNotMatch(db, /lsid|\$clusterTime/, 'the driver\'s session fields are left out')
    } finally {
      await app.db.collection('posts').deleteMany({})
    }
  })

  test('bounded: at most 500 commands a request, and 64 KB of command text', async () => {
    const bar = toolbarOf(await (await fetch(`${address}/many`)).text())
    assert.match(bar, />Database \(500\)<\/button>/)
    assert.match(bar, /<p>20 more entries were not recorded \(at most 500 of each kind per request\)\.<\/p>/)
    const kept = bar.match(/&quot;pad&quot;: &quot;x{1000}&quot;/g)?.length ?? 0
    assert.ok(kept > 40 && kept < 70, `${kept} commands kept their text`)
    assert.equal(bar.match(/\(text not kept: the request's budget for command text was spent\)/g)?.length, 500 - kept)
  })

  test('Explain runs the recorded command again, and only a recorded, explainable one', async () => {
    const bar = toolbarOf(await (await fetch(`${address}/posts`)).text())
    const url = /data-tao-explain="([^"]+)"/.exec(bar)![1]!
    assert.match(url, /^\/-\/toolbar\/requests\/\d+\/commands\/0\/explain$/)
    const sent: CommandStartedEvent[] = []
    const spy = (e: CommandStartedEvent) => { if (e.commandName === 'explain') sent.push(e) }
    app.mongo.on('commandStarted', spy)
    let res: Response
    try {
      res = await fetch(`${address}${url}`)
    } finally {
      app.mongo.off('commandStarted', spy)
    }
    assert.equal(res.status, 200)
    const answer = await res.json() as { command: string, collection: string, ok: boolean, error?: string }
    assert.equal(answer.command, 'find')
    assert.equal(answer.collection, 'posts')
    // The embedded store has no query planner: its refusal is the answer. MongoDB returns the plan.
    assert.equal(answer.ok, false)
    assert.match(answer.error!, /explain/)
    assert.equal(sent.length, 1)
    assert.deepEqual(sent[0]!.command.explain, { find: 'posts', filter: { author: 'ann' } })
    assert.equal(sent[0]!.command.verbosity, 'queryPlanner')
    const id = /requests\/(\d+)\//.exec(url)![1]!
    for (const [path, code] of [
      [`/-/toolbar/requests/${id}/commands/99/explain`, 'TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE'],
      [`/-/toolbar/requests/${id}/commands/-1/explain`, 'TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE'],
      [`/-/toolbar/requests/${id}/commands/{"find":"users"}/explain`, 'TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE'],
      ['/-/toolbar/requests/999999/commands/0/explain', 'TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE'],
      ['/-/toolbar/requests/999999', 'TAO_ERR_DEBUG_REQUEST_GONE'],
      ['/-/toolbar/requests/abc', 'TAO_ERR_DEBUG_REQUEST_GONE'],
    ]) {
      const refused = await fetch(`${address}${path}`, { headers: { accept: 'application/json' } })
      assert.equal(refused.status, 404, path)
      assert.equal(((await refused.json()) as { code: string }).code, code, path)
    }
    // An insert is never explained (a write): its row has no button, its URL is refused.
    const index = await (await fetch(`${address}/`)).text()
    assert.doesNotMatch(index, /commands\/0\/explain/)
    assert.match(index, /commands\/1\/explain/)
  })

  test('Websockets and Services: the open sockets, the channel groups and the services of the process', async () => {
    const socket = new WebSocket(`${address.replace('http', 'ws')}/live`)
    const first = await new Promise<string>((resolve, reject) => { socket.once('message', (m) => resolve(String(m))).once('error', reject) })
    assert.equal(first, 'joined')
    try {
      const bar = toolbarOf(await (await fetch(`${address}/`)).text())
      const ws = panel(bar, 'websockets')
      assert.match(bar, />Websockets \(1\)<\/button>/)
      assert.match(ws, /<tr><td><code>\/live<\/code><\/td><td>pages:live<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/td><\/tr>/)
      assert.match(ws, /<tr><td><code>news<\/code><\/td><td>1<\/td><\/tr>/)
      assert.match(panel(bar, 'services'), /<tr><td><code>pages:ticker<\/code><\/td><td>running<\/td><td>no<\/td><td>0<\/td><td><\/td><\/tr>/)
    } finally {
      socket.close()
      await new Promise((resolve) => socket.once('close', resolve))
    }
    // Closed: gone from the panel.
    for (let i = 0; i < 50; i++) {
      if (/>Websockets \(0\)</.test(await (await fetch(`${address}/`)).text())) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.fail('the closed socket is still listed')
  })
})

describe('toolbar history', () => {
  let app: TaoApp
  let address: string
  before(async () => {
    app = await projectApp(fixture('debug-toolbar'), { settings: { database: { url: 'memory', name: 'history' } } })
    address = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  after(() => app.close())

  test('lists fetch/XHR requests and redirects, each viewable afterwards with its panels', async () => {
    const api = await fetch(`${address}/api`, { headers: { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' } })
    assert.equal(api.status, 200)
    // Page loads as a browser's address bar makes them (fetch() always says sec-fetch-mode: cors).
    const port = Number(new URL(address).port)
    assert.equal((await rawGet(port, '/go')).status, 302)
    const bar = toolbarOf((await rawGet(port, '/')).body)
    const history = panel(bar, 'history')
    const rows = [...history.matchAll(/<tr( class="tao-toolbar-current")?><td>[\d:.]+<\/td><td>(\w+)<\/td><td><code>([^<]+)<\/code>(?: &rarr; <code>([^<]+)<\/code>)?<\/td><td>(\d+)<\/td><td>(\w+)<\/td><td>[\d.]+<\/td><td><a href="([^"]+)">view<\/a><\/td><\/tr>/g)]
    assert.deepEqual(rows.map((m) => [Boolean(m[1]), m[2], m[3], m[4] ?? null, m[5], m[6]]), [
      [true, 'GET', '/', null, '200', 'page'],
      [false, 'GET', '/go', '/posts', '302', 'page'],
      [false, 'GET', '/api', null, '200', 'fetch'],
    ])
    // The /api request, viewed afterwards: its own panels (its command, its headers).
    const page = await fetch(`${address}${rows[2]![7]}`)
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('cache-control'), 'no-store')
    const html = await page.text()
    assert.match(html, /<h1>Request \d+: <code>GET \/api<\/code> &rarr; 200<\/h1>/)
    assert.match(html, />Database \(1\)<\/button>/)
    assert.match(html, /<td>1<\/td><td>aggregate<\/td><td>visits<\/td>/)
    assert.match(html, /<tr><th>sec-fetch-mode<\/th><td>cors<\/td><\/tr>/)
    assert.match(html, /<tr><th>content-type<\/th><td>application\/json; charset=utf-8<\/td><\/tr>/)
    assert.match(html, /<script src="\/static\/tao\/toolbar\.js" defer><\/script>/)
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)/, 'no inline script')
    // The toolbar's own pages are not recorded, and carry no toolbar of their own.
    assert.equal(html.split('id="tao-toolbar"').length, 2)
    assert.doesNotMatch(panel(html, 'history'), /<code>\/-\/toolbar/)
  })

  test('keeps the last 50 requests: older ones are gone (404)', async () => {
    const first = /href="\/-\/toolbar\/requests\/(\d+)"/.exec(panel(toolbarOf(await (await fetch(`${address}/fragment`).then(() => fetch(`${address}/`))).text()), 'history'))
    assert.ok(first)
    const oldest = Number(first[1])
    for (let i = 0; i < 55; i++) await fetch(`${address}/fragment`)
    const bar = toolbarOf(await (await fetch(`${address}/`)).text())
    const ids = [...panel(bar, 'history').matchAll(/href="\/-\/toolbar\/requests\/(\d+)"/g)].map((m) => Number(m[1]))
    assert.equal(ids.length, 50)
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first')
    assert.equal((await fetch(`${address}/-/toolbar/requests/${oldest}`)).status, 404)
    assert.equal((await fetch(`${address}/-/toolbar/requests/${ids.at(-1)}`)).status, 200)
  })
})
