import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

// A TestClient is a browser for tests: it keeps the session cookie and sends the CSRF token of
// the last page it opened, so each test opens the form first, as a visitor does.
test('a post goes from the form to the list and its own page, escaped', async () => {
  const client = new TestClient(app)
  await client.get(app.url('blog:new'))
  const created = await client.post(app.url('blog:create'), { title: 'Hello <b>tao</b>', body: 'First line\n<script>alert(1)</script>' })
  assert.equal(created.statusCode, 302)
  assert.equal(created.headers.location, app.url('blog:post', { slug: 'hello-b-tao-b' }))

  const page = await client.get(created.headers.location)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /class="flash success">Published “Hello &lt;b&gt;tao&lt;\/b&gt;”/)
  assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  assert.doesNotMatch(page.body, /<script>alert/)

  const list = await client.get(app.url('blog:index'))
  assert.match(list.body, /<a href="\/blog\/post\/hello-b-tao-b">Hello &lt;b&gt;tao&lt;\/b&gt;<\/a>/)
  assert.doesNotMatch(list.body, /Published/, 'a flash message shows once')
})

test('an invalid post re-renders the form with its messages and what was typed', async () => {
  const client = new TestClient(app)
  await client.get(app.url('blog:new'))
  const res = await client.post(app.url('blog:create'), { title: '  ', body: 'kept "as typed"' })
  assert.equal(res.statusCode, 422)
  // Each error beside its field, the control marked for screen readers, what was typed kept.
  assert.match(res.body, /aria-invalid="true" aria-describedby="id_title_error"[^>]*><p class="field-error" id="id_title_error">A title is required.<\/p>/)
  assert.match(res.body, /kept &quot;as typed&quot;<\/textarea>/)
  assert.equal(await app.db.collection('posts').countDocuments({ body: 'kept "as typed"' }), 0)
})

test('a title taken by another post, or without letters, is an error beside the title', async () => {
  const client = new TestClient(app)
  await client.get(app.url('blog:new'))
  assert.equal((await client.post(app.url('blog:create'), { title: 'Twice', body: 'one' })).statusCode, 302)
  await client.get(app.url('blog:new'))
  const again = await client.post(app.url('blog:create'), { title: 'Twice!', body: 'two' })
  assert.equal(again.statusCode, 422)
  assert.match(again.body, /id="id_title_error">A post with this title exists already.<\/p>/)
  assert.match(again.body, /value="Twice!"/)
  const symbols = await client.post(app.url('blog:create'), { title: '!!!', body: 'x' })
  assert.match(symbols.body, /id="id_title_error">The title needs at least one letter or digit.<\/p>/)
})

test('the list is paginated: page links, a 404 past the last page, a 400 for a page that is not a number', async () => {
  const docs = Array.from({ length: 12 }, (_, i) => ({ slug: `p${i}`, title: `P${i}`, body: 'b', at: new Date(Date.UTC(2026, 0, i + 1)) }))
  await app.db.collection('posts').insertMany(docs)
  const first = await app.inject(app.url('blog:index'))
  assert.match(first.body, /<a href="\/blog\/\?page=2" rel="next">Next<\/a>/)
  const second = await app.inject(app.url('blog:index', {}, { page: 2 }))
  assert.equal(second.statusCode, 200)
  assert.equal((await app.inject(app.url('blog:index', {}, { page: 99 }))).statusCode, 404)
  assert.equal((await app.inject(app.url('blog:index', {}, { page: 'two' }))).statusCode, 400)
})

test('a post with a forged CSRF token is refused', async () => {
  const client = new TestClient(app)
  await client.get(app.url('blog:new'))
  const res = await client.post(app.url('blog:create'), { title: 'Forged', body: 'no token', _csrf: 'forged' })
  assert.equal(res.statusCode, 403)
  assert.equal(await app.db.collection('posts').countDocuments({ title: 'Forged' }), 0)
})

test('an unknown slug is the 404 page', async () => {
  const res = await app.inject(app.url('blog:post', { slug: 'no-such-post' }))
  assert.equal(res.statusCode, 404)
  assert.match(res.body, /<h1>Nothing here<\/h1>/)
  assert.match(res.body, /There is no post &#39;no-such-post&#39;\./)
})
