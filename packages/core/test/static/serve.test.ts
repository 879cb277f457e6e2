// /static/<component>/<path>: content types, conditional and range requests, HEAD, hashed URLs,
// static() names, and the proof that static requests skip the pages context.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { isTaoError, type TaoApp } from '@tao/core'
import { fixture, projectApp, tempProject, writeFile } from '../support/project.js'

const root = fixture('static-files')
let app: TaoApp
before(async () => { app = await projectApp(root) })
after(() => app.close())

describe('serving', () => {
  test('each component from its folder, with the right content type', async () => {
    const cases: Array<[string, RegExp, string]> = [
      ['/static/static/css/site.css', /^text\/css; charset=utf-8$/, 'static/css/site.css'],
      ['/static/static/js/app.js', /^(application|text)\/javascript; charset=utf-8$/, 'static/js/app.js'],
      ['/static/static/img/dot.svg', /^image\/svg\+xml$/, 'static/img/dot.svg'],
      ['/static/static/img/dot.png', /^image\/png$/, 'static/img/dot.png'],
      ['/static/static/data/ten-kb.txt', /^text\/plain; charset=utf-8$/, 'static/data/ten-kb.txt'],
      ['/static/blog/css/blog.css', /^text\/css; charset=utf-8$/, 'apps/blog/static/css/blog.css'],
    ]
    for (const [url, type, file] of cases) {
      const res = await app.inject(url)
      assert.equal(res.statusCode, 200, url)
      assert.match(String(res.headers['content-type']), type, url)
      assert.deepEqual(res.rawPayload, readFileSync(join(root, file)), url)
    }
  })

  test("built-in apps' static files are served alike", async () => {
    const res = await app.inject('/static/tao/tao.css')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/css/)
  })

  test('ETag and Last-Modified, answered with 304', async () => {
    const first = await app.inject('/static/static/css/site.css')
    const etag = String(first.headers.etag)
    const modified = String(first.headers['last-modified'])
    assert.ok(etag && modified)
    assert.equal(first.headers['cache-control'], 'public, max-age=0')
    assert.equal((await app.inject({ url: '/static/static/css/site.css', headers: { 'if-none-match': etag } })).statusCode, 304)
    assert.equal((await app.inject({ url: '/static/static/css/site.css', headers: { 'if-modified-since': modified } })).statusCode, 304)
  })

  test('Range requests', async () => {
    const whole = readFileSync(join(root, 'static/data/ten-kb.txt'))
    const part = await app.inject({ url: '/static/static/data/ten-kb.txt', headers: { range: 'bytes=100-199' } })
    assert.equal(part.statusCode, 206)
    assert.equal(part.headers['content-range'], `bytes 100-199/${whole.length}`)
    assert.deepEqual(part.rawPayload, whole.subarray(100, 200))
    const bad = await app.inject({ url: '/static/static/data/ten-kb.txt', headers: { range: 'bytes=20000-30000' } })
    assert.equal(bad.statusCode, 416)
  })

  test('HEAD answers the headers without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/static/static/data/ten-kb.txt' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-length'], '10240')
    assert.equal(res.body, '')
  })

  test('no directory listings or index files, no dotfiles, 404 for what is missing', async () => {
    for (const url of ['/static/blog/docs', '/static/blog/docs/', '/static/static/css/', '/static/blog/', '/static/static/.hidden', '/static/static/nope.css', '/static/nope/x.css']) {
      const res = await app.inject(url)
      assert.equal(res.statusCode, 404, url)
      assert.doesNotMatch(res.body, /docs index|HIDDEN-DOTFILE/, url)
    }
  })
})

describe('static() and hashed URLs', () => {
  test('static() names a file of an app or of the project, with a content hash in production', () => {
    assert.match(app.static('css/site.css'), /^\/static\/static\/css\/site\.css\?v=[0-9a-f]{12}$/)
    assert.match(app.static('blog:css/blog.css'), /^\/static\/blog\/css\/blog\.css\?v=[0-9a-f]{12}$/)
    assert.notEqual(app.static('css/site.css').split('=')[1], app.static('blog:css/blog.css').split('=')[1])
  })

  test('a request carrying the current hash is cached for a year; others are not', async () => {
    const url = app.static('css/site.css')
    const hashed = await app.inject(url)
    assert.equal(hashed.statusCode, 200)
    assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable')
    const stale = await app.inject('/static/static/css/site.css?v=000000000000')
    assert.equal(stale.headers['cache-control'], 'public, max-age=0')
  })

  test('a missing file is a TaoError listing what was tried', () => {
    assert.throws(() => app.static('blog:css/missing.css'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_STATIC_NOT_FOUND'))
      assert.deepEqual(err.details.tried, ['apps/blog/static/css/missing.css'])
      assert.match(err.message, /^Static file 'blog:css\/missing\.css' not found\. Tried: apps\/blog\/static\/css\/missing\.css\./)
      return true
    })
    assert.throws(() => app.static('css'), (err: unknown) => isTaoError(err, 'TAO_ERR_STATIC_NOT_FOUND'), 'a folder is not a file')
    assert.throws(() => app.static('nope:x.css'), (err: unknown) => isTaoError(err, 'TAO_ERR_APP_NOT_FOUND'))
    assert.throws(() => app.static('../settings.ts'), (err: unknown) => isTaoError(err, 'TAO_ERR_NAME_INVALID'))
  })

  test('in development, URLs have no hash unless asked, and a hash follows edits', async () => {
    const { root: tmp, cleanup } = tempProject('static-files')
    after(cleanup)
    const dev = await projectApp(tmp, { settings: { debug: true } })
    after(() => dev.close())
    assert.equal(dev.static('css/site.css'), '/static/static/css/site.css')
    const hashed = await projectApp(tmp, { settings: { debug: true, static: { hashed: true } } })
    after(() => hashed.close())
    const before = hashed.static('css/site.css')
    writeFile(tmp, 'static/css/site.css', 'body { color: red; }\n')
    assert.notEqual(hashed.static('css/site.css'), before)
  })
})

/** The pages context: the encapsulated child of the root that holds the routes. */
function pagesContext (app: TaoApp): FastifyInstance {
  const kChildren = Object.getOwnPropertySymbols(app.fastify).find((s) => s.description === 'fastify.children')!
  const children = (app.fastify as unknown as Record<symbol, FastifyInstance[]>)[kChildren]!
  const pages = children.find((c) => /\bpages\b/.test(c.pluginName))
  assert.ok(pages, `no pages context among ${children.map((c) => c.pluginName).join(', ')}`)
  return pages
}

test('static requests never run the hooks of the pages context (session, CSRF, database)', async () => {
  const fresh = await projectApp(root)
  after(() => fresh.close())
  const seen: string[] = []
  pagesContext(fresh).addHook('onRequest', async (req) => { seen.push(req.url) })
  await fresh.ready()
  assert.equal((await fresh.inject('/static/static/css/site.css')).statusCode, 200)
  assert.equal((await fresh.inject('/static/blog/css/blog.css')).statusCode, 200)
  assert.equal((await fresh.inject('/static/blog/missing.css')).statusCode, 404)
  assert.deepEqual(seen, [])
  assert.equal((await fresh.inject('/blog/')).statusCode, 200)
  assert.deepEqual(seen, ['/blog/'], 'the hook does run for pages')
})
