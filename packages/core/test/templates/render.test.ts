// reply.render and app.render on a project with three apps: inheritance across apps, one short
// name in two apps, project overrides, tao's template globals, error templates.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { isTaoError, type TaoApp } from '@tao/core'
import { fixture, projectApp } from '../support/project.js'

let app: TaoApp
before(async () => { app = await projectApp(fixture('templates-apps')) })
after(() => app.close())

describe('reply.render', () => {
  test('answers text/html; charset=utf-8, autoescaped, with the project globals and filters', async () => {
    const res = await app.inject('/')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(res.body, /<h1>Welcome &lt;home&gt;<\/h1>/)
    assert.match(res.body, /<title>Fixture &lt;Site&gt;<\/title>/)
    assert.match(res.body, /<p>HI!<\/p>/)
    assert.match(res.body, /\[base\]<h1>/)
  })

  test('an inheritance chain across three apps, with include, import and from', async () => {
    const res = await app.inject('/shop/page')
    assert.equal(res.statusCode, 200)
    const body = res.body
    // shop:page extends blog:layout, which extends the project's base.
    assert.match(body, /<title>Shop - Fixture &lt;Site&gt;<\/title>/)
    assert.match(body, /\[base\]\[blog:layout\]<nav>home:nav <a href="\/">home<\/a><\/nav>/)
    assert.match(body, /<ul><li>tea<\/li>\s*<li>&lt;cake&gt;<\/li>\s*<\/ul>/, 'blog:partials/item resolves to item.njk')
    assert.match(body, /<b>3 EUR<\/b><b>4 EUR<\/b>\[\/blog:layout\]\[\/base\]/)
  })

  test('one short name in two apps: each app gets its own file', async () => {
    assert.equal((await app.inject('/blog/')).body.trim(), "blog's own index")
    assert.equal((await app.inject('/shop/')).body.trim(), "shop's own index")
    // Again, from the cache this time.
    assert.equal(app.render('blog:index').trim(), "blog's own index")
    assert.equal(app.render('shop:index').trim(), "shop's own index")
  })

  test("the project's templates/<app>/ overrides an app's template, built-in app names included", async () => {
    assert.equal((await app.inject('/shop/override')).body.trim(), 'project override of shop:override')
    assert.equal(app.render('tao:hello').trim(), 'project template under the built-in app name')
  })

  test('every template sees request, session, csrf_field(), messages, url() and static()', async () => {
    const res = await app.inject('/context?text=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    assert.equal(res.statusCode, 200)
    const lines = Object.fromEntries(res.body.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    assert.equal(lines.url, '/context?text=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    assert.equal(lines.session, 'cookie', 'session is the request\'s cookie session')
    assert.match(lines.csrf!, /^\[<input type="hidden" name="_csrf" value="[^"]+">\]$/, 'csrf_field() is the CSRF hidden input, not escaped again')
    assert.equal(lines.messages, '0')
    assert.equal(lines.route, '/blog/post/a%20b')
    assert.match(lines.static!, /^\/static\/home\/css\/home\.css\?v=[0-9a-f]{12}$/, 'hashed by default in production')
    assert.equal(lines.text, '&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('app.render works outside a request, with the same globals', () => {
    const html = app.render('home:context', { text: '<b>' })
    assert.match(html, /^url=$/m)
    assert.match(html, /^csrf=\[\]$/m)
    assert.match(html, /^text=&lt;b&gt;$/m)
    assert.equal(app.static('home:css/home.css'), /static=(\S+)/.exec(html)![1])
  })
})

describe('error templates', () => {
  test('templates/404.html is used for a page that does not exist', async () => {
    const res = await app.inject('/no/such/page')
    assert.equal(res.statusCode, 404)
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(res.body, /\[base\]<h1>Custom 404<\/h1><p>No page at GET \/no\/such\/page\.<\/p>\[\/base\]/)
  })

  test('any status: templates/418.html for a 418', async () => {
    const res = await app.inject('/teapot')
    assert.equal(res.statusCode, 418)
    assert.match(res.body, /<h1>Custom teapot 418 I&#39;m a Teapot<\/h1>/)
  })

  test('a status without a template gets the built-in page; JSON clients get JSON', async () => {
    const res = await app.inject('/missing')
    assert.equal(res.statusCode, 500)
    assert.match(res.body, /<h1>500 Internal Server Error<\/h1>/)
    assert.doesNotMatch(res.body, /Tried/, 'no details in production')
    const json = await app.inject({ url: '/no/such/page', headers: { accept: 'application/json' } })
    assert.equal(json.statusCode, 404)
    assert.equal(json.json().statusCode, 404)
  })
})

describe('template errors', () => {
  test('a missing template lists every path searched', () => {
    assert.throws(() => app.render('blog:post/detail'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_NOT_FOUND'))
      assert.deepEqual(err.details.tried, [
        'templates/blog/post/detail.html',
        'templates/blog/post/detail.njk',
        'apps/blog/templates/post/detail.html',
        'apps/blog/templates/post/detail.njk',
      ])
      assert.match(err.message, /^Template 'blog:post\/detail' not found\. Tried: templates\/blog\/post\/detail\.html, /)
      return true
    })
    assert.throws(() => app.render('layout'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_NOT_FOUND'))
      assert.deepEqual(err.details.tried, ['templates/layout.html', 'templates/layout.njk'])
      return true
    })
  })

  test('an unknown app is a TaoError with a suggestion', () => {
    assert.throws(() => app.render('blgo:index'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_APP_NOT_FOUND'))
      assert.match(err.message, /Unknown app 'blgo'\. Did you mean 'blog'\?/)
      return true
    })
  })

  // Regression for #13: the name is the site's bug, not the client's, and is not shown.
  test('a name that tries to leave the templates folder is a 500 with the generic page, and reads nothing', async () => {
    const res = await app.inject('/bad-name')
    assert.equal(res.statusCode, 500)
    assert.match(res.body, /Something went wrong on our side/)
    assert.doesNotMatch(res.body, /secret|Invalid template name/)
  })
})

describe('debug mode', () => {
  let dev: TaoApp
  before(async () => { dev = await projectApp(fixture('templates-apps'), { settings: { debug: true } }) })
  after(() => dev.close())

  test('the error page shows the tried paths of a missing template', async () => {
    const res = await dev.inject('/missing')
    assert.equal(res.statusCode, 500)
    assert.match(res.body, /TAO_ERR_TEMPLATE_NOT_FOUND/)
    const text = res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
    assert.match(text, /Tried, in order 1 templates\/home\/does\/not\/exist\.html 2 /, 'the debug page lists the tried paths in order')
    assert.match(text, /apps\/home\/templates\/does\/not\/exist\.njk/)
  })

  test('static() URLs carry no hash in development', () => {
    assert.equal(dev.static('home:css/home.css'), '/static/home/css/home.css')
  })
})
