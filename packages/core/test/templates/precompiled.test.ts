// Issue 19 point 1: templates compiled ahead of time (what `tao build` writes into build/) are
// used by the next start instead of compiling: no template is compiled at request time, every
// feature renders the same as when compiled in process, an edited template is compiled again,
// and a template that does not compile fails the build naming its file and line.
import assert from 'node:assert/strict'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { buildTemplates, isTaoError, type TaoApp } from '@tao/core'
import { projectApp, tempProject, writeFile } from '../support/project.js'

const FEATURES = `{% from "blog:macros" import price %}{% import "blog:macros" as m %}
{% include "home:partials/nav" %}
{% cache "feature", 60 %}[{{ "<i>" }}]{% endcache %}
{{ "<raw>" | safe }}{{ "<e>" | escape }}{% filter upper %}up{% endfilter %}
{% for x in items %}{{ loop.index }}/{{ loop.length }}:{{ x }}{% if loop.last %}.{% endif %}{% endfor %}
{{ price(5) }}{{ m.price(6) }}{% set y = "<y>" %}{{ y }}{{ y | safe }}{{ "a" | shout }}
{% macro row(v) %}<td>{{ v }}</td>{% endmacro %}{{ row("<td>") }}{{ caller_free | default("none") }}
`

const { root, cleanup } = tempProject('templates-apps', {
  'apps/shop/templates/features.html': FEATURES,
  'apps/shop/templates/fails.html': '{% extends "blog:layout" %}\n{% block main %}\n<p>{{ nothing() }}</p>{% endblock %}\n',
})
const build = join(root, 'build')
after(cleanup)

/** The engine's counters (compiled in process / taken from the build). */
function stats (app: TaoApp): { compiled: number, precompiled: number } {
  const k = Object.getOwnPropertySymbols(app.fastify).find((s) => s.description === 'tao.templates')!
  return (app.fastify as unknown as Record<symbol, { stats: { compiled: number, precompiled: number } }>)[k]!.stats
}

/** What each page and template of the fixture renders to. */
async function renders (app: TaoApp): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const url of ['/', '/shop/page', '/shop/', '/blog/', '/shop/override', '/teapot', '/nope']) {
    const res = await app.inject(url)
    out[url] = `${res.statusCode} ${res.body}`
  }
  out.features = app.render('shop:features', { items: ['<a>', 'b'] })
  out.override = app.render('tao:hello')
  try {
    app.render('shop:fails')
  } catch (err) {
    out.fails = `${(err as { code: string }).code} ${(err as Error).message}`
  }
  return out
}

let expected: Record<string, string>
before(async () => {
  // The build output holds the project's modules (here its TypeScript, as tests load it).
  cpSync(join(root, 'settings.ts'), join(build, 'settings.ts'))
  cpSync(join(root, 'apps'), join(build, 'apps'), { recursive: true, filter: (src) => !/\.(html|njk|css)$/.test(src) })
  const plain = await projectApp(root)
  try {
    expected = await renders(plain)
    assert.ok(stats(plain).compiled > 5, 'without a build every template is compiled in process')
  } finally {
    await plain.close()
  }
  const builder = await projectApp(root, { modulesRoot: build })
  try {
    assert.ok(buildTemplates(builder, build) >= 15)
  } finally {
    await builder.close()
  }
})

test('after a build no template is compiled: every page and feature comes from the compiled code, the same', async () => {
  const app = await projectApp(root, { modulesRoot: build })
  try {
    assert.deepEqual(await renders(app), expected)
    assert.match(expected.features!, /\[&lt;i&gt;\]/, 'the cache tag, autoescaped inside')
    assert.match(expected.fails!, /^TAO_ERR_TEMPLATE_RENDER .*apps\/shop\/templates\/fails\.html.*line 3/, 'render errors name the file and line')
    assert.match(expected.features!, /<raw>&lt;e&gt;UP/)
    assert.match(expected.features!, /1\/2:&lt;a&gt;2\/2:b\./)
    assert.match(expected.features!, /<b>5 EUR<\/b><b>6 EUR<\/b>&lt;y&gt;<y>A!\n<td>&lt;td&gt;<\/td>none/)
    assert.equal(stats(app).compiled, 0)
    assert.ok(stats(app).precompiled >= 10, `precompiled: ${stats(app).precompiled}`)
  } finally {
    await app.close()
  }
})

test("the build's code is what runs (a marker put into it shows)", async () => {
  const dir = join(build, '.tao-templates')
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { templates: Record<string, string> }
  const hash = Object.entries(manifest.templates).find(([, file]) => file === 'apps/blog/templates/macros.html')![0]
  const file = join(dir, `${hash}.cjs`)
  const code = readFileSync(file, 'utf8')
  writeFileSync(file, code.replace('EUR', 'EUR (from the build)'))
  const app = await projectApp(root, { modulesRoot: build })
  try {
    assert.match(app.render('shop:features', { items: [] }), /<b>5 EUR \(from the build\)<\/b>/)
  } finally {
    await app.close()
    writeFileSync(file, code)
  }
})

test('a template edited since the build is compiled again; the others still come from the build', async () => {
  const file = join(root, 'apps/blog/templates/macros.html')
  const before = readFileSync(file, 'utf8')
  writeFileSync(file, before.replace('EUR', 'USD'))
  const app = await projectApp(root, { modulesRoot: build })
  try {
    assert.match((await app.inject('/shop/page')).body, /<b>3 USD<\/b><b>4 USD<\/b>/)
    assert.equal(stats(app).compiled, 1)
    assert.ok(stats(app).precompiled >= 5)
  } finally {
    await app.close()
    writeFileSync(file, before)
  }
})

test('a build made by another compiler (other Nunjucks, post-pass or tags) is not used', async () => {
  const manifestFile = join(build, '.tao-templates', 'manifest.json')
  const text = readFileSync(manifestFile, 'utf8')
  writeFileSync(manifestFile, text.replace(/"fingerprint": "[^"]*"/, '"fingerprint": "nunjucks 0.0.1"'))
  const app = await projectApp(root, { modulesRoot: build })
  try {
    assert.deepEqual(await renders(app), expected)
    assert.equal(stats(app).precompiled, 0)
  } finally {
    await app.close()
    writeFileSync(manifestFile, text)
  }
})

test('a compiled module removed or damaged since the build: that template is compiled, the page is the same', async () => {
  const dir = join(build, '.tao-templates')
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { templates: Record<string, string> }
  const hashOf = (suffix: string) => Object.entries(manifest.templates).find(([, file]) => file.endsWith(suffix))![0]
  const [gone, damaged] = [join(dir, `${hashOf('blog/templates/macros.html')}.cjs`), join(dir, `${hashOf('blog/templates/layout.html')}.cjs`)]
  const texts = [readFileSync(gone, 'utf8'), readFileSync(damaged, 'utf8')] as const
  rmSync(gone)
  writeFileSync(damaged, 'module.exports = function () { return {')
  const app = await projectApp(root, { modulesRoot: build })
  try {
    assert.equal(`${(await app.inject('/shop/page')).statusCode}`, '200')
    assert.deepEqual(await renders(app), expected)
    assert.equal(stats(app).compiled, 2)
  } finally {
    await app.close()
    writeFileSync(gone, texts[0])
    writeFileSync(damaged, texts[1])
  }
})

test('a template that does not compile fails the build with TAO_ERR_TEMPLATE_SYNTAX naming its file and line', async () => {
  writeFile(root, 'apps/shop/templates/broken/bad.njk', 'line one\n{% if x %}\nno end\n{% endfor %}\n')
  const builder = await projectApp(root, { modulesRoot: build })
  try {
    const before = readdirSync(join(build, '.tao-templates')).length
    assert.throws(() => buildTemplates(builder, build), (err: unknown) => {
      assert.ok(isTaoError(err))
      assert.equal(err.code, 'TAO_ERR_TEMPLATE_SYNTAX')
      assert.equal(err.details.file, 'apps/shop/templates/broken/bad.njk')
      assert.equal(err.details.line, 4)
      assert.match(err.message, /apps\/shop\/templates\/broken\/bad\.njk.*line 4/)
      return true
    })
    assert.equal(readdirSync(join(build, '.tao-templates')).length, before, 'nothing written')
  } finally {
    await builder.close()
  }
})
