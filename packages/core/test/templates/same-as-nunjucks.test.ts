// tao's render layer (its own compile post-pass, runtime, context and escape) produces what
// plain Nunjucks produces, template feature by template feature: loops and their loop
// variables, inheritance with super(), include, import, macros and caller, set blocks, filters,
// and autoescape of every value type. The oracle is a plain nunjucks.Environment over the same
// files, in the same process.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import nunjucks from 'nunjucks'
import { markSafe, type TaoApp } from '@tao/core'
import { projectApp, tempProject, writeFile } from '../support/project.js'

const templates: Record<string, string> = {
  'loops.html': [
    '{% for item in items %}[{{ loop.index }},{{ loop.index0 }},{{ loop.revindex }},{{ loop.revindex0 }},{{ loop.first }},{{ loop.last }},{{ loop.length }}:{{ item }}]{% else %}empty{% endfor %}',
    '{% for row in rows %}{% for c in row %}{{ c }}:{{ loop.index }}/{{ loop.length }} {% endfor %}|{{ loop.index }}{% endfor %}',
    '{% for k, v in obj %}{{ k }}={{ v }}@{{ loop.index }}{{ loop.last }} {% endfor %}',
    '{% for a, b in pairs %}{{ a }}-{{ b }}{{ loop.first }} {% endfor %}',
    '{% for x in none %}no{% else %}else{% endfor %}{% for x in [] %}no{% else %}empty list{% endfor %}',
    '{% set total = 0 %}{% for i in items %}{% set total = total + 1 %}{% endfor %}{{ total }}',
    '{% for item in items %}{% if loop.first %}first={{ item }}{% elif loop.last %} last={{ item }}{% endif %}{% endfor %}',
    '{% for item in items %}{% set kept = loop %}{% endfor %}{{ kept.index }}',
    'frame.set("loop.index", t_1 + 1); frame.set("x", t_2);',
  ].join('\n'),
  'values.html': '{{ s }}|{{ n }}|{{ f }}|{{ safe }}|{{ s | safe }}|{{ s | e }}|{{ nul }}|{{ und }}|{{ arr }}|{{ yes }}|{{ o.greet("x<") }}|{{ o.missing }}|{{ 3 + n }}|{{ "a" ~ s }}',
  'filters.html': '{{ items | join(", ") }} {{ s | upper }} {{ s | replace("<", "[") }} {{ items | length }} {{ "x" if yes else "y" }} {{ "<b>" in items }} {{ items | first }} {{ n | round }}',
  'lib.html': '{% macro field(name, value="") %}<input name="{{ name }}" value="{{ value }}">{% endmacro %}{% macro wrap(cls) %}<div class="{{ cls }}">{{ caller() }}</div>{% endmacro %}',
  'macros.html': '{% import "lib.html" as lib %}{% from "lib.html" import wrap %}{{ lib.field("q", s) }}{% call wrap("c<") %}in "{{ s }}"{% endcall %}{% set block %}<b>{{ s }}</b>{% endset %}{{ block }}',
  'base.html': '<title>{% block title %}Base{% endblock %}</title>{% block body %}base body{% endblock %}',
  'mid.html': '{% extends "base.html" %}{% block title %}Mid {{ super() }}{% endblock %}{% block body %}[mid {% block inner %}inner{% endblock %}]{% endblock %}',
  'leaf.html': '{% extends "mid.html" %}{% block title %}{{ s }} - {{ super() }}{% endblock %}{% block inner %}{% for i in items %}{% include "part.html" %}{% endfor %}{{ super() }}{% endblock %}',
  'part.html': '<li>{{ i }}{{ loop.index }}{{ s }}</li>',
}

const context = (): Record<string, unknown> => ({
  items: ['a', '<b>', 'c&d'],
  rows: [[1, 2], [3]],
  obj: { x: 1, y: '"q"' },
  pairs: [[1, 2], [3, 4]],
  s: '<a href="x">\'&\\',
  n: 3.5,
  f: 1e21,
  safe: markSafe('<i>safe</i>'),
  nul: null,
  und: undefined,
  arr: [1, '<'],
  yes: true,
  o: { name: 'o<', greet (this: { name: string }, x: string) { return `${this.name} greets ${x}` } },
})

let app: TaoApp
let env: nunjucks.Environment
let cleanup: () => void
let write: (rel: string, text: string) => void
before(async () => {
  const files = Object.fromEntries(Object.entries(templates).map(([name, src]) => [`templates/${name}`, src]))
  const project = tempProject(null, { ...files, 'settings.js': 'export default {}\n' })
  cleanup = project.cleanup
  write = (rel, text) => writeFile(project.root, rel, text)
  app = await projectApp(project.root, { settings: { templates: { cache: true } } })
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(project.root, 'templates')), { autoescape: true })
})
after(async () => {
  await app?.close()
  cleanup?.()
})

describe('tao renders what plain Nunjucks renders', () => {
  for (const name of ['loops.html', 'values.html', 'filters.html', 'macros.html', 'leaf.html']) {
    test(name, () => {
      const expected = env.render(name, context())
      assert.equal(app.render(name, context()), expected)
      // Twice: the second render runs from the cache, with whatever the first one left behind.
      assert.equal(app.render(name, context()), expected)
    })
  }

  test('loop variables and escaping come out as expected, not only equal', () => {
    const out = app.render('loops.html', context())
    assert.match(out, /^\[1,0,3,2,true,false,3:a\]\[2,1,2,1,false,false,3:&lt;b&gt;\]\[3,2,1,0,false,true,3:c&amp;d\]\n/)
    assert.match(out, /1:1\/2 2:2\/2 \|13:1\/1 \|2/)
    assert.match(out, /frame\.set\("loop\.index", t_1 \+ 1\); frame\.set\("x", t_2\);$/, 'template text that reads like code stays text')
    assert.match(app.render('values.html', context()), /^&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#92;\|3\.5\|1e\+21\|<i>safe<\/i>\|<a href="x">/)
  })
})

test('a template object passed in the context renders like a template of the project', () => {
  const given = new nunjucks.Template('<b>{{ s }}</b>{% for x in items %}{{ loop.index }}{% endfor %}')
  write('templates/given.html', '[{% include tpl %}]')
  const expected = env.render('given.html', { ...context(), tpl: given })
  assert.equal(expected, '[<b>&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#92;</b>123]')
  assert.equal(app.render('given.html', { ...context(), tpl: given }), expected)
  // It runs with tao's guards too: a polluted Object.prototype stays invisible.
  const proto = Object.prototype as Record<string, unknown>
  proto.pollutedName = 'POLLUTED'
  try {
    const tpl = new nunjucks.Template('{{ pollutedName }}{{ o.pollutedName }}')
    assert.equal(app.render('given.html', { tpl, o: {} }), '[]')
  } finally {
    delete proto.pollutedName
  }
})

test("Nunjucks's own runtime is left as it is for other users in the process", () => {
  const runtime = nunjucks.runtime as unknown as Record<string, { name: string }>
  assert.equal(runtime.memberLookup!.name, 'memberLookup')
  assert.equal(runtime.suppressValue!.name, 'suppressValue')
  assert.equal(runtime.contextOrFrameLookup!.name, 'contextOrFrameLookup')
})
