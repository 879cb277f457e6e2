// tao's welcome page at / (Django's "The install worked successfully!"), until a route of the
// project answers GET /.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApp } from '@tao/core'
import { fixture } from '../process/helpers.js'

const quiet = { logLevel: 'silent' as const, database: { url: 'memory' } }

test('a project with no route at / shows the welcome page there, in debug and in production', async () => {
  for (const debug of [true, false]) {
    const app = await createApp({ root: fixture('db-notes'), env: {}, settings: { ...quiet, debug, secretKey: 'ab'.repeat(32) } })
    try {
      const res = await app.inject('/')
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(res.headers['x-robots-tag'], 'noindex')
      assert.match(res.body, /<h1>It worked! tao is running\.<\/h1>/)
      assert.match(res.body, /<code>npx tao new -a blog<\/code>[\s\S]*<code>npx tao routes<\/code>[\s\S]*<code>npx tao check --deploy<\/code>/)
      // The URL map of the project is listed under debug only.
      assert.equal(/<li><code>\/notes\/:id<\/code> \(notes:detail\)<\/li>/.test(res.body), debug)
      assert.match(res.body, /<style>\n\s+\.tao-welcome \{/)
      // Only GET / is the welcome page; the rest of the site still answers 404.
      assert.equal((await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode, 404)
      assert.equal(/and debug is on/.test(res.body), debug)
      // The page is not a catch-all: other paths still 404.
      assert.equal((await app.inject('/nope')).statusCode, 404)
    } finally {
      await app.close()
    }
  }
})

test("the project's own / replaces the welcome page", async (t) => {
  const app = await createApp({ root: fixture('basic'), env: {}, settings: { ...quiet, debug: true } })
  t.after(() => app.close())
  const res = await app.inject('/')
  assert.equal(res.statusCode, 200)
  assert.doesNotMatch(res.body, /It worked!/)
})
