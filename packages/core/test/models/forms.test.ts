import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defineForm, Type } from '@tao/core'
import { TestClient } from '@tao/core/testing'
import { multipart } from '../helpers/multipart.js'
import { modelsApp } from './helpers.js'

const { Post } = await import('../fixtures/models/apps/blog/models.js')

/** The `<div class="field…">` of a field in a page, or ''. */
function fieldHtml (html: string, name: string): string {
  return html.split('<div class="field').find((part) => part.includes(`name="${name}"`)) ?? ''
}

test('a form posted with bad values re-renders with each error beside its field and the values kept', async (t) => {
  const app = await modelsApp(t)
  const client = new TestClient(app)
  const empty = await client.get('/posts/new')
  assert.equal(empty.statusCode, 200)
  assert.match(fieldHtml(empty.body, 'title'), /<label for="id_title">Title<\/label><input type="text" id="id_title" name="title" required value="">/)
  assert.doesNotMatch(empty.body, /aria-invalid/)

  const res = await client.post('/posts/new', { title: '', slug: 'Bad Slug"><script>', body: 'kept <b>text</b>', isAdmin: 'yes' })
  assert.equal(res.statusCode, 400)
  const title = fieldHtml(res.body, 'title')
  assert.match(fieldHtml(res.body, 'title'), /value=""/)
  assert.match(title, /aria-invalid="true" aria-describedby="id_title_error"/)
  assert.match(title, /<p class="field-error" id="id_title_error">Give the post a title\.<\/p>/, 'the per-field override')
  const slug = fieldHtml(res.body, 'slug')
  assert.match(slug, /value="Bad Slug&quot;&gt;&lt;script&gt;"/, 'value kept, escaped')
  assert.match(slug, /placeholder="my-post"/)
  assert.match(slug, /Use lowercase letters, digits and dashes\./)
  assert.match(fieldHtml(res.body, 'body'), /<textarea [^>]*>kept &lt;b&gt;text&lt;\/b&gt;<\/textarea>/)
  assert.doesNotMatch(fieldHtml(res.body, 'body'), /aria-invalid/)
  assert.doesNotMatch(res.body, /<script>/)
  assert.equal(await Post.of(app).countDocuments(), 0)
})

test('a valid form saves typed data only from its own fields; a taken unique slug is a field error, not a 500', async (t) => {
  const app = await modelsApp(t)
  const client = new TestClient(app)
  await client.get('/posts/new')
  const ok = await client.post('/posts/new', { title: 'Hello', slug: 'hello', body: '', isAdmin: 'yes' })
  assert.equal(ok.statusCode, 302)
  assert.equal(ok.headers.location, '/posts/hello')
  const doc = await Post.of(app).findOne({ slug: 'hello' })
  assert.ok(doc?.at instanceof Date)
  assert.equal(doc.body, '', 'empty string is missing, then the default')
  assert.equal('isAdmin' in doc, false, 'fields outside the form never reach the data')

  const dup = await client.post('/posts/new', { title: 'Again', slug: 'hello' })
  assert.equal(dup.statusCode, 400)
  assert.match(fieldHtml(dup.body, 'slug'), /value="hello".*This value is already used; choose another\./s)
  assert.match(fieldHtml(dup.body, 'title'), /value="Again"/)
  assert.equal(await Post.of(app).countDocuments(), 1)
})

test('HTML coercions: numbers, checkboxes, repeated fields, dates, empty strings (urlencoded and multipart)', async (t) => {
  const app = await modelsApp(t)
  const urlencoded = await app.inject({ method: 'POST', url: '/survey', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'age=42&score=&subscribe=on&colours=red&colours=blue&born=2001-02-03&nickname=&size=m' })
  assert.equal(urlencoded.statusCode, 200, urlencoded.body)
  assert.deepEqual(urlencoded.json(), {
    data: { age: 42, subscribe: true, colours: ['red', 'blue'], born: '2001-02-03T00:00:00.000Z', size: 'm' },
    types: { age: 'number', subscribe: 'boolean', colours: 'array', born: 'Date', size: 'string' },
  })
  const form = multipart([{ name: 'age', value: '7' }, { name: 'colours', value: 'green' }, { name: 'size', value: 's' }])
  const multi = await app.inject({ method: 'POST', url: '/survey', ...form })
  assert.equal(multi.statusCode, 200, multi.body)
  assert.deepEqual(multi.json().data, { age: 7, subscribe: false, colours: ['green'], size: 's' }, 'an absent checkbox is false; one value of a list is a list')

  const bad = await app.inject({ method: 'POST', url: '/survey', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'age=old&score=1e400&colours=pink&born=yesterday&size=xl&nickname=' + 'x'.repeat(21) })
  assert.equal(bad.statusCode, 400)
  assert.deepEqual(bad.json().errors, {
    age: 'Enter a whole number.',
    score: 'Enter a number.',
    'colours.0': 'Choose one of the allowed values.',
    born: 'Enter a valid date.',
    size: 'Choose one of the allowed values.',
    nickname: 'Enter at most 20 characters.',
  })
  assert.equal(bad.json().values.age, 'old', 'values as typed')
})

test('forms derived from a model: pick and omit, _id left out, unknown field names refused', () => {
  assert.deepEqual(Post.form().fields.map((f) => f.name), ['title', 'slug', 'body', 'at', 'meta'])
  assert.deepEqual(Post.form({ pick: ['slug', 'title'] }).fields.map((f) => f.name), ['title', 'slug'])
  assert.deepEqual(Post.form({ omit: ['meta', 'body'] }).fields.map((f) => [f.name, f.widget, f.required]), [['title', 'text', true], ['slug', 'text', true], ['at', 'date', true]])
  assert.throws(() => Post.form({ pick: ['nope' as 'title'] }), /has no field 'nope'; its fields are: _id, title/)
  const edit = Post.form({ pick: ['title', 'at'] }).bind({ title: 'T', at: new Date('2026-03-04T00:00:00Z') })
  assert.match(String(edit.field('at')), /type="date"[^>]*value="2026-03-04"/)
  assert.throws(() => edit.field('slug'), /no field 'slug'; its fields are: title, at/)
})

test('a select, a checkbox and checkboxes render their state; every text is escaped', () => {
  const form = defineForm(Type.Object({
    size: Type.Union([Type.Literal('s'), Type.Literal('<m>')]),
    agree: Type.Boolean({ title: 'I agree' }),
    tags: Type.Array(Type.Union([Type.Literal('a'), Type.Literal('b')])),
  }), { fields: { size: { help: 'Pick <one>' } }, idPrefix: 'f2' })
  const bound = form.bind({ size: '<m>', agree: true, tags: ['b'] }, { size: 'Bad & wrong' })
  assert.equal(String(bound.field('size')), '<div class="field field--invalid"><label for="f2_size">Size</label><select id="f2_size" name="size" required aria-invalid="true" aria-describedby="f2_size_error f2_size_help"><option value="s">s</option><option value="&lt;m&gt;" selected>&lt;m&gt;</option></select><p class="field-error" id="f2_size_error">Bad &amp; wrong</p><p class="field-help" id="f2_size_help">Pick &lt;one&gt;</p></div>')
  assert.match(String(bound.field('agree')), /<input type="checkbox" id="f2_agree" name="agree" value="on" checked> <label for="f2_agree">I agree<\/label>/)
  assert.match(String(bound.field('tags')), /<fieldset><legend>Tags<\/legend><label for="f2_tags_0"><input type="checkbox" id="f2_tags_0" name="tags" value="a"> a<\/label><label for="f2_tags_1"><input type="checkbox" id="f2_tags_1" name="tags" value="b" checked> b<\/label><\/fieldset>/)
})
