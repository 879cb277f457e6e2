import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppRegistry } from '../apps/index.js'
import { isTaoError } from '../errors/index.js'
import { markSafe, TemplateEngine } from './engine.js'

const root = mkdtempSync(join(tmpdir(), 'tao-engine-'))
after(() => rmSync(root, { recursive: true, force: true }))

function write (rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}

write('templates/.keep', '')
const engine = new TemplateEngine({ root, registry: new AppRegistry([], []), cache: true })
const req = { url: '/x' } as FastifyRequest
const reply = {} as FastifyReply

test('autoescapes, and markSafe opts out', () => {
  write('templates/esc.html', '{{ a }}|{{ b }}')
  assert.equal(engine.render('esc', { a: '<i>', b: markSafe('<b>') }), '&lt;i&gt;|<b>')
})

test('lazy values: computed on first read, once per render, fallback outside a request', () => {
  let calls = 0
  engine.globals.lazy('who', (r) => `${++calls}${r.url}`, { fallback: 'nobody' })
  write('templates/who.html', '{{ who }}{{ who }}')
  write('templates/plain.html', 'plain')
  assert.equal(engine.render('plain', {}, req, reply), 'plain')
  assert.equal(calls, 0)
  assert.equal(engine.render('who', {}, req, reply), '1/x1/x')
  assert.equal(engine.render('who', {}), 'nobodynobody')
  assert.equal(engine.render('who', { who: 'context wins' }, req, reply), 'context winscontext wins')
  assert.equal(calls, 1)
})

test('a nested render (a global that renders) restores the outer request', () => {
  engine.globals.global('inner', () => markSafe(engine.render('who', {})))
  write('templates/nested.html', '{{ inner() }}|{{ who }}')
  assert.equal(engine.render('nested', {}, req, reply), 'nobodynobody|2/x')
})

test('names that are not strings are refused', () => {
  write('templates/dyn.html', '{% include name %}')
  write('templates/target.html', 'target')
  assert.equal(engine.render('dyn', { name: 'target' }), 'target')
  assert.throws(() => engine.render('dyn', { name: 42 }), (e: unknown) => isTaoError(e, 'TAO_ERR_NAME_INVALID'))
})

test('a broken include never leaves an error to be thrown later', async () => {
  write('templates/outer.html', 'a{% include "broken" %}b')
  write('templates/broken.html', '{% if %}')
  const uncaught: unknown[] = []
  const onUncaught = (err: unknown) => uncaught.push(err)
  process.on('uncaughtException', onUncaught)
  try {
    assert.throws(() => engine.render('outer'), (e: unknown) => isTaoError(e, 'TAO_ERR_TEMPLATE_SYNTAX'))
    await new Promise((resolve) => setTimeout(resolve, 20))
  } finally {
    process.off('uncaughtException', onUncaught)
  }
  assert.deepEqual(uncaught, [])
})

test('without caching, a file is read on every render but compiled again only when its text changed', () => {
  const dev = new TemplateEngine({ root, registry: new AppRegistry([], []), cache: false })
  write('templates/dev.html', 'one {{ n }}')
  const first = dev.template('dev')
  assert.equal(dev.render('dev', { n: 1 }), 'one 1')
  assert.equal(dev.template('dev'), first, 'same text: the compiled template is reused')
  write('templates/dev.html', 'two {{ n }}')
  assert.notEqual(dev.template('dev'), first)
  assert.equal(dev.render('dev', { n: 2 }), 'two 2')
})

test('pollution of Object.prototype is seen by the next render, made by assignment or defineProperty, and forgotten when removed', () => {
  write('templates/polluted.html', '[{{ x }}|{{ o.x }}|{{ "x" in o }}|{{ o.own }}]')
  const proto = Object.prototype as Record<string, unknown>
  const render = () => engine.render('polluted', { o: { own: 1 } })
  assert.equal(render(), '[||false|1]')
  for (const pollute of [() => { proto.x = 'P' }, () => Object.defineProperty(proto, 'x', { value: 'P', configurable: true })]) {
    pollute()
    try {
      assert.equal(render(), '[||false|1]')
    } finally {
      delete proto.x
    }
  }
  assert.equal(render(), '[||false|1]')
})
