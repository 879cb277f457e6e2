// tao's guides ship inside @tao/core and are served under debug at /-/docs/, so the welcome
// page of a new project links real pages on any machine (issue 11, point 9).
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { connect } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { createApp, type TaoApp } from '@tao/core'
import { fixture } from '../process/helpers.js'

/** Where the installed @tao/core keeps its guides (as a project's node_modules/@tao/core/docs). */
const shippedDocsDir = join(dirname(createRequire(import.meta.url).resolve('@tao/core/package.json')), 'docs')

const settings = { logLevel: 'silent' as const, database: { url: 'memory' }, secretKey: 'ab'.repeat(32) }

async function welcomeApp (debug: boolean): Promise<TaoApp> {
  return createApp({ root: fixture('db-notes'), env: {}, settings: { ...settings, debug } })
}

/** One raw HTTP/1.1 request: status and body, as a hostile client sends it (no path normalising). */
function raw (port: number, path: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${path}`)))
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
  })
}

test('the build copies every guide of docs/ into @tao/core', () => {
  const list = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.md')).sort()
  const repoDocs = join(shippedDocsDir, '..', '..', '..', 'docs')
  assert.ok(existsSync(join(shippedDocsDir, 'reference', 'settings.md')), `${shippedDocsDir} holds the guides (npm run build copies them)`)
  assert.deepEqual(list(shippedDocsDir), list(repoDocs))
})

test('under debug the welcome page links the guides, and every link answers a rendered page', async (t) => {
  const app = await welcomeApp(true)
  t.after(() => app.close())
  const welcome = (await app.inject('/')).body
  const links = [...welcome.matchAll(/href="(\/-\/docs\/[^"]*)"/g)].map((m) => m[1]!)
  assert.ok(links.length >= 5, `the welcome page links the guides: ${links.join(', ')}`)
  for (const link of links) {
    const res = await app.inject(link)
    assert.equal(res.statusCode, 200, link)
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(res.body, /<body class="tao-docs">/)
  }
  // The index lists every guide; a guide is markdown rendered to HTML, headings with GitHub's anchors.
  const index = (await app.inject('/-/docs/')).body
  assert.match(index, /<a href="\/-\/docs\/reference\/settings\.md">/)
  assert.match(index, /<a href="\/-\/docs\/deployment\.md">/)
  const page = (await app.inject('/-/docs/reference/settings.md')).body
  assert.match(page, /<h1 id="[a-z-]+">/)
  assert.match(page, /<table>/)
  assert.doesNotMatch(page, /^#+ /m, 'no raw markdown headings left')
  // Relative links between guides resolve to guides that are served.
  const deployment = (await app.inject('/-/docs/deployment.md')).body
  for (const m of deployment.matchAll(/href="((?:\.\.\/|\.\/)?(?:reference|tutorial)\/[^"#]+\.md)/g)) {
    const target = new URL(m[1]!, 'http://x/-/docs/deployment.md').pathname
    assert.equal((await app.inject(target)).statusCode, 200, target)
  }
  // Images the guides show are served with their type.
  const image = await app.inject('/-/docs/images/admin-list.png')
  assert.equal(image.statusCode, 200)
  assert.equal(image.headers['content-type'], 'image/png')
})

test('with debug off no guide is served and the welcome page says where they are', async (t) => {
  const app = await welcomeApp(false)
  t.after(() => app.close())
  const welcome = (await app.inject('/')).body
  assert.doesNotMatch(welcome, /href="\/-\/docs/)
  assert.match(welcome, /node_modules\/@tao\/core\/docs\//)
  assert.equal((await app.inject('/-/docs/')).statusCode, 404)
  assert.equal((await app.inject('/-/docs/reference/settings.md')).statusCode, 404)
})

test('a guide is named by the list made at boot: traversal and unknown names are 404s', async (t) => {
  const app = await welcomeApp(true)
  t.after(() => app.close())
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  for (const path of ['/-/docs/../../package.json', '/-/docs/%2e%2e/%2e%2e/package.json', '/-/docs/..%2f..%2fpackage.json',
    '/-/docs/reference/../../../package.json', '/-/docs/reference%2fsettings.md%00', '/-/docs/nope.md', '/-/docs/reference/']) {
    const res = await raw(port, path)
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`)
    assert.doesNotMatch(res.body, /"name":\s*"tao"|"workspaces"|\/work\/|node_modules/, path)
  }
})
