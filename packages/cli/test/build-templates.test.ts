// Issue 19 point 1: `tao build` compiles every template to JavaScript in build/; `tao start`
// then runs that code instead of compiling (a marker written into the compiled code shows on
// the page), compiles again a template edited since the build, and a template that does not
// compile fails the build naming its file and line.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { buildableProject, startTao, tao } from './helpers.js'

const FILES: Record<string, string> = {
  'apps/blog/routes.ts': "import { route } from '@tao/core'\n\nexport const prefix = '/blog'\nexport default [route('GET', '/', async (_req, reply) => reply.render('blog:post/list', { posts: ['<one>', 'two'] }), 'index')]\n",
  'templates/base.html': '<title>{% block title %}site{% endblock %}</title>{% block body %}{% endblock %}\n',
  'apps/blog/templates/post/list.html': '{% extends "base.html" %}{% from "blog:macros" import badge %}{% block title %}posts{% endblock %}' +
    '{% block body %}{% cache "list", 60 %}{% for p in posts %}{% include "blog:post/item" %}{% endfor %}{% endcache %}{{ badge("<new>") }}{% endblock %}\n',
  'apps/blog/templates/post/item.html': '<li>{{ loop.index }} {{ p }}</li>',
  'apps/blog/templates/macros.njk': '{% macro badge(text) %}<b>{{ text }}</b>{% endmacro %}',
}

const { root, cleanup } = buildableProject('tao-build-templates-', FILES)
after(cleanup)

/** The body of /blog/ as served by `tao start` of the build. */
async function page (): Promise<string> {
  const server = await startTao(['start', '--port', '0'], root)
  try {
    const res = await fetch(`${server.address}/blog/`)
    assert.equal(res.status, 200)
    return await res.text()
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
  }
}

const EXPECTED = '<title>posts</title><li>1 &lt;one&gt;</li><li>2 two</li><b>&lt;new&gt;</b>'

test('tao build compiles every template into build/.tao-templates; tao start runs that code', async () => {
  const built = tao(['build'], root)
  assert.equal(built.status, 0, built.stdout + built.stderr)
  const dir = join(root, 'build', '.tao-templates')
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { templates: Record<string, string> }
  const files = Object.values(manifest.templates)
  assert.match(built.stdout, new RegExp(`\\(${files.length} templates compiled[;)]`))
  // The project's, and the built-in apps' the project turns on (their templates compile too).
  assert.deepEqual(files.filter((f) => !f.startsWith('/')).sort(), ['apps/blog/templates/macros.njk', 'apps/blog/templates/post/item.html', 'apps/blog/templates/post/list.html', 'templates/base.html'], files.join(', '))
  assert.equal((await page()).trim(), EXPECTED)

  // A marker written into the compiled code of item.html shows: the page ran the build's code.
  const hash = Object.entries(manifest.templates).find(([, f]) => f.endsWith('item.html'))![0]
  const file = join(dir, `${hash}.cjs`)
  writeFileSync(file, readFileSync(file, 'utf8').replace('"<li>"', '"<li data-built>"'))
  assert.equal((await page()).trim(), EXPECTED.replaceAll('<li>', '<li data-built>'))

  // Edited since the build: compiled again from the new text (the marker is gone for it only).
  writeFileSync(join(root, 'apps/blog/templates/post/item.html'), '<li class="edited">{{ p }}</li>')
  assert.equal((await page()).trim(), '<title>posts</title><li class="edited">&lt;one&gt;</li><li class="edited">two</li><b>&lt;new&gt;</b>')
})

test('a template that does not compile fails tao build with TAO_ERR_TEMPLATE_SYNTAX, its file and line', () => {
  writeFileSync(join(root, 'apps/blog/templates/post/broken.html'), '<p>\n{% for p in posts %}\n{{ p }\n')
  try {
    const built = tao(['build'], root)
    assert.notEqual(built.status, 0)
    assert.match(built.stderr, /apps\/blog\/templates\/post\/broken\.html at line 3/)
    assert.match(built.stderr, /\[TAO_ERR_TEMPLATE_SYNTAX\]/)
    assert.ok(!existsSync(join(root, 'build', '.tao-build.json')), 'no build marker: tao start will not take a half build')
  } finally {
    rmSync(join(root, 'apps/blog/templates/post/broken.html'))
  }
})
