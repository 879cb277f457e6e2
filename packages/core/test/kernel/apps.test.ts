import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '@tao/core'
import { fixture, fixtureApp } from './helpers.js'

test('apps are discovered from apps/*, with prefixes, names and generated names', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  const names = app.registry.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.name}`)
  assert.deepEqual(names, [
    'GET /blog/ blog:index',
    'GET /blog/post/:slug blog:post',
    'POST /blog/post blog:post_post',
    'GET / home:index',
    'GET /boom home:boom',
    'GET /go home:get_go',
  ])
  // An app folder with only static files is a valid app.
  assert.deepEqual(app.registry.names(), ['tao', 'assets', 'blog', 'home'])
  assert.equal(app.registry.get('assets').routesFile, null)
  assert.equal(app.registry.get('blog').prefix, '/blog')
  assert.throws(() => app.registry.get('blgo'), (err: unknown) => isTaoError(err, 'TAO_ERR_APP_NOT_FOUND') && /Did you mean 'blog'\?/.test(err.message))
})

test('both apps answer, params arrive decoded, and redirectTo answers 302 to the reversed URL', async (t) => {
  const app = await fixtureApp('basic')
  t.after(() => app.close())
  assert.equal((await app.inject('/')).body, '<h1>home</h1>')
  assert.deepEqual((await app.inject('/blog/')).json(), { app: 'blog' })
  assert.deepEqual((await app.inject('/blog')).json(), { app: 'blog' }, 'trailing slash is optional')
  assert.deepEqual((await app.inject('/blog/post/caf%C3%A9%20au%20lait')).json(), { slug: 'café au lait' })
  const go = await app.inject('/go')
  assert.equal(go.statusCode, 302)
  assert.equal(go.headers.location, '/blog/post/hello%20world')
  assert.equal(app.url('blog:post', { slug: 'a/b' }), '/blog/post/a%2Fb')
})

test('settings.prefixes overrides an app prefix', async (t) => {
  const app = await fixtureApp('basic', { settings: { prefixes: { blog: '/news' } } })
  t.after(() => app.close())
  assert.equal(app.url('blog:post', { slug: 'x' }), '/news/post/x')
  assert.equal((await app.inject('/news/post/x')).statusCode, 200)
  assert.equal((await app.inject('/blog/post/x')).statusCode, 404)
})

test('two apps created in one process do not see each other\'s routes', async (t) => {
  const a = await fixtureApp('basic')
  const b = await fixtureApp('pkg-app')
  t.after(() => Promise.all([a.close(), b.close()]))
  assert.equal((await a.inject('/shop/')).statusCode, 404)
  assert.equal((await b.inject('/blog/')).statusCode, 404)
  assert.throws(() => b.url('blog:index'), (err: unknown) => isTaoError(err, 'TAO_ERR_ROUTE_NOT_FOUND'))
})

test('apps from npm packages listed in settings.apps are loaded', async (t) => {
  const app = await fixtureApp('pkg-app')
  t.after(() => app.close())
  assert.equal(app.registry.get('shop').origin, 'package')
  assert.deepEqual((await app.inject('/shop/')).json(), { shop: true })
  assert.equal((await app.inject('/')).headers.location, '/shop/')
  const moved = await fixtureApp('pkg-app', { settings: { prefixes: { shop: '/store' } } })
  t.after(() => moved.close())
  assert.equal((await moved.inject('/store/')).statusCode, 200)
})

const failures: Array<[string, string, RegExp]> = [
  ['bad-app-name', 'TAO_ERR_APP_INVALID_NAME', /Invalid app name 'My-Blog' at .*apps\/My-Blog: it must be a lowercase identifier/],
  ['reserved-app', 'TAO_ERR_APP_INVALID_NAME', /'static' is reserved by tao/],
  ['dup-app', 'TAO_ERR_APP_DUPLICATE', /Two apps are named 'shop': apps\/shop and package '@acme\/tao-shop'/],
  ['missing-pkg', 'TAO_ERR_APP_PACKAGE_NOT_FOUND', /'@acme\/not-installed' .* is not installed .* Run `npm install @acme\/not-installed`/],
  ['bad-routes', 'TAO_ERR_APP_ROUTES_INVALID', /apps\/blog\/routes\.ts: its default export is object, not an array of routes/],
  ['bad-route-item', 'TAO_ERR_APP_ROUTES_INVALID', /routes\.ts: item 1 of the default export is not made by route\(\) or ws\(\)/],
  ['bad-prefix', 'TAO_ERR_APP_ROUTES_INVALID', /`export const prefix` is "blog\/"/],
  ['broken-import', 'TAO_ERR_APP_IMPORT', /Could not import .*apps\/blog\/routes\.ts: .*nope/],
  ['conflict', 'TAO_ERR_ROUTE_CONFLICT', /Route GET \/same is declared twice: by 'one:same' and by 'two:same'/],
  ['dup-name', 'TAO_ERR_ROUTE_DUPLICATE_NAME', /Route name 'blog:index' is used twice in .*apps\/blog\/routes\.ts/],
]

for (const [name, code, message] of failures) {
  test(`a broken project stops the start with a clear error: ${name}`, async () => {
    await assert.rejects(fixtureApp(name), (err: unknown) => {
      assert.ok(isTaoError(err), `expected a TaoError, got ${String(err)}`)
      assert.equal(err.code, code)
      assert.match(err.message, message)
      return true
    })
  })
}

test('the fixture helper points at real folders', () => {
  assert.match(fixture('basic'), /test\/fixtures\/basic$/)
})
