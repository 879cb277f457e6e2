// The project of docs/tutorial/blog.md: a model, a form that re-renders with its errors, a
// migration and a paginated list; and the tutorial's code blocks are the fixture's files.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { migrate, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
const root = fixture('tutorial-blog')

before(async () => {
  const url = process.env.TAO_TEST_MONGODB_URL
  app = await createTestApp({ root, settings: url ? { database: { url, name: `tao_tutorial_${process.pid}` } } : {} })
})
after(async () => {
  if (process.env.TAO_TEST_MONGODB_URL) await app.db.dropDatabase()
  await app.close()
})

test('the migration adds the welcome post, once', async () => {
  assert.deepEqual((await migrate(app)).applied, ['blog:0001_welcome'])
  assert.deepEqual((await migrate(app)).applied, [])
  const list = await app.inject('/blog/')
  assert.match(list.body, /<a href="\/blog\/welcome">Welcome<\/a>/)
})

test('a bad post re-renders with each error beside its field and what was typed; a good one is saved', async () => {
  const client = new TestClient(app)
  await client.get('/blog/new')
  const bad = await client.post('/blog/new', { title: '', slug: 'Not OK', body: 'Kept <text>' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /aria-invalid="true"[^>]*value=""><p class="field-error" id="id_title_error">Give your post a title\.<\/p>/)
  assert.match(bad.body, /value="Not OK"><p class="field-error" id="id_slug_error">Use lowercase letters, digits and dashes\.<\/p>/)
  assert.match(bad.body, /<textarea id="id_body" name="body" required>Kept &lt;text&gt;<\/textarea><\/div>/)
  const taken = await client.post('/blog/new', { title: 'Again', slug: 'welcome', body: 'x' })
  assert.match(taken.body, /id="id_slug_error">This value is already used; choose another\.<\/p>/)
  const ok = await client.post('/blog/new', { title: 'Second', slug: 'second', body: 'Hello', published: 'on' }, { follow: true })
  assert.equal(ok.statusCode, 200)
  assert.match(ok.body, /<p class="flash success">Saved\.<\/p>\n+<h1>Second<\/h1>/)
})

test('the list is paginated by five; a page that is not a number is a 400, one past the end a 404', async () => {
  const posts = Array.from({ length: 9 }, (_, i) => ({ title: `P${i}`, slug: `p${i}`, body: 'b', published: true, at: new Date(Date.UTC(2020, 0, i + 1)) }))
  await app.db.collection('blog_posts').insertMany(posts)
  const first = await app.inject('/blog/')
  assert.match(first.body, /<span aria-current="page">1<\/span><a href="\/blog\/\?page=2">2<\/a><a href="\/blog\/\?page=3">3<\/a>/)
  assert.equal((await app.inject('/blog/?page=3')).statusCode, 200)
  assert.equal((await app.inject('/blog/?page=4')).statusCode, 404)
  assert.equal((await app.inject('/blog/?page=last')).statusCode, 400)
})

test('the code in docs/tutorial/blog.md is the code of the fixture', () => {
  const doc = readFileSync(new URL('../../../../docs/tutorial/blog.md', import.meta.url), 'utf8')
  const blocks = [...doc.matchAll(/```ts\n(\/\/ (apps\/blog\/[\w./]+\.ts)\n[\s\S]*?)```/g)]
  assert.deepEqual(blocks.map((m) => m[2]).sort(), ['apps/blog/forms.ts', 'apps/blog/migrations/0001_welcome.ts', 'apps/blog/models.ts', 'apps/blog/routes.ts', 'apps/blog/views.ts'])
  for (const [, code, file] of blocks) assert.equal(code, readFileSync(join(root, file!), 'utf8'), `${file} differs from the tutorial`)
  const templates = [...doc.matchAll(/```html\n(\{# ([\w./]+) #\}\n[\s\S]*?)```/g)]
  assert.deepEqual(templates.map((m) => m[2]).sort(), ['apps/blog/templates/detail.html', 'apps/blog/templates/form.html', 'apps/blog/templates/index.html', 'templates/base.html'])
  for (const [, content, file] of templates) assert.equal(content, readFileSync(join(root, file!), 'utf8'), `${file} differs from the tutorial`)
})
