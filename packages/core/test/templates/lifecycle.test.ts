// Template caching (production reads once, development re-reads), package apps and their
// overrides, broken error templates, syntax and render errors with positions.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { isTaoError, type TaoApp } from '@tao/core'
import { projectApp, tempProject, writeFile } from '../support/project.js'

const ROUTES = `import { route } from '@tao/core'
import type { Reply, Request } from '@tao/core'
export const prefix = ''
export default [
  route('GET', '/', (_req: Request, reply: Reply) => reply.render('home:index', { n: 1 }), 'index'),
  route('GET', '/boom', () => { throw new Error('boom') }, 'boom'),
]
`

function project (files: Record<string, string> = {}) {
  const p = tempProject(null, {
    'settings.ts': "import { defineSettings } from '@tao/core'\nexport default defineSettings({})\n",
    'apps/home/routes.ts': ROUTES,
    'templates/base.html': '<main>{% block content %}{% endblock %}</main>',
    'apps/home/templates/index.html': '{% extends "base" %}{% block content %}v1 {% include "home:part" %}{% endblock %}',
    'apps/home/templates/part.html': 'part1',
    ...files,
  })
  after(p.cleanup)
  return p
}

describe('caching', () => {
  test('production: each template is read once, then served from memory', async () => {
    const { root } = project()
    const app = await projectApp(root)
    after(() => app.close())
    assert.equal((await app.inject('/')).body, '<main>v1 part1</main>')
    // Edit one file and delete the others: a production app no longer reads them.
    writeFile(root, 'apps/home/templates/index.html', 'v2')
    rmSync(join(root, 'apps/home/templates/part.html'))
    rmSync(join(root, 'templates/base.html'))
    for (let i = 0; i < 3; i++) assert.equal((await app.inject('/')).body, '<main>v1 part1</main>')
  })

  test('development: an edited template shows on the next request, without restart', async () => {
    const { root } = project()
    const app = await projectApp(root, { settings: { debug: true } })
    after(() => app.close())
    assert.equal((await app.inject('/')).body, '<main>v1 part1</main>')
    writeFile(root, 'apps/home/templates/part.html', 'part2')
    assert.equal((await app.inject('/')).body, '<main>v1 part2</main>')
    writeFile(root, 'templates/home/index.html', 'overridden later')
    assert.equal((await app.inject('/')).body, 'overridden later')
  })

  test('error templates: production looks once (a missing 404.html is remembered), development every time', async () => {
    const { root } = project()
    const prod = await projectApp(root)
    after(() => prod.close())
    const dev = await projectApp(root, { settings: { debug: true } })
    after(() => dev.close())
    assert.match((await prod.inject('/nowhere')).body, /<h1>404 Not Found<\/h1>/)
    assert.match((await dev.inject('/nowhere')).body, /<h1>404 Not Found<\/h1>/)
    writeFile(root, 'templates/404.html', 'custom {{ status }}')
    assert.match((await prod.inject('/nowhere')).body, /<h1>404 Not Found<\/h1>/)
    assert.equal((await dev.inject('/nowhere')).body, 'custom 404')
  })

  test('templates.cache: false re-reads even when debug is off', async () => {
    const { root } = project()
    const app = await projectApp(root, { settings: { templates: { cache: false } } })
    after(() => app.close())
    assert.equal(app.render('home:part'), 'part1')
    writeFile(root, 'apps/home/templates/part.html', 'part3')
    assert.equal(app.render('home:part'), 'part3')
  })
})

describe('package apps', () => {
  test("a package app's templates are found, and the project overrides them", async () => {
    const { root } = project({
      'settings.ts': "import { defineSettings } from '@tao/core'\nexport default defineSettings({ apps: ['acme-shop'] })\n",
      'node_modules/acme-shop/package.json': '{ "name": "acme-shop", "version": "1.0.0", "tao": { "name": "shop" } }\n',
      'node_modules/acme-shop/templates/card.html': 'package card',
      'node_modules/acme-shop/templates/list.html': 'package list [{% include "shop:card" %}]',
      'templates/shop/card.html': 'project card',
    })
    const app = await projectApp(root)
    after(() => app.close())
    assert.equal(app.render('shop:list'), 'package list [project card]')
  })
})

describe('error templates that fail', () => {
  test('a broken 500.html or 404.html falls back to the built-in page, without looping', async () => {
    const { root } = project({
      'templates/500.html': '{% if %}broken',
      'templates/404.html': '{{ nope() }}',
    })
    const app = await projectApp(root)
    after(() => app.close())
    const boom = await app.inject('/boom')
    assert.equal(boom.statusCode, 500)
    assert.match(boom.body, /<h1>500 Internal Server Error<\/h1>/)
    const missing = await app.inject('/nowhere')
    assert.equal(missing.statusCode, 404)
    assert.match(missing.body, /<h1>404 Not Found<\/h1>/)
  })

  test('an error template that extends a missing base falls back too', async () => {
    const { root } = project({ 'templates/404.html': '{% extends "gone" %}' })
    const app = await projectApp(root)
    after(() => app.close())
    const res = await app.inject('/nowhere')
    assert.equal(res.statusCode, 404)
    assert.match(res.body, /<h1>404 Not Found<\/h1>/)
  })
})

describe('errors name the file, line and column', () => {
  let app: TaoApp
  test('a syntax error', async () => {
    const { root } = project({ 'templates/broken.html': 'line one\n  {% for x in %}\n' })
    app = await projectApp(root)
    after(() => app.close())
    assert.throws(() => app.render('broken'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_SYNTAX'))
      assert.match(err.message, /^Template syntax error in templates\/broken\.html at line 2, column \d+: /)
      assert.equal(err.details.file, 'templates/broken.html')
      assert.equal(err.details.line, 2)
      assert.ok(typeof err.details.column === 'number' && err.details.column > 0)
      return true
    })
  })

  test('a syntax error in an included template names that template', async () => {
    const { root } = project({ 'templates/outer.html': 'a\n{% include "inner" %}', 'templates/inner.html': '\n\n{{ x + }}' })
    app = await projectApp(root)
    after(() => app.close())
    assert.throws(() => app.render('outer'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_SYNTAX'))
      assert.match(err.message, /in templates\/inner\.html at line 3, column \d+/)
      assert.match(err.message, /\(in templates\/outer\.html, line 2\)$/)
      return true
    })
  })

  test('a render error, and a missing include with the line of its tag', async () => {
    const { root } = project({
      'templates/calls.html': 'a\nb\n  {{ missing_function() }}',
      'templates/includes.html': 'a\n\n{% include "home:nope" %}',
    })
    app = await projectApp(root)
    after(() => app.close())
    assert.throws(() => app.render('calls'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_RENDER'))
      assert.match(err.message, /^Error while rendering templates\/calls\.html at line 3, column \d+: Unable to call `missing_function`/)
      return true
    })
    assert.throws(() => app.render('includes'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_NOT_FOUND'))
      assert.equal(err.details.tried?.length, 4)
      assert.match(err.message, /\(in templates\/includes\.html, line 3\)$/)
      return true
    })
  })

  test('{% include ... ignore missing %} still works', async () => {
    const { root } = project({ 'templates/optional.html': '[{% include "home:nope" ignore missing %}]' })
    app = await projectApp(root)
    after(() => app.close())
    assert.equal(app.render('optional'), '[]')
  })
})
