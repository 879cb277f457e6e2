import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

/** A visitor with a cookie jar: the session cookie carries the CSRF secret and flash messages. */
function visitor () {
  let cookie = ''
  return async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const res = await app.inject({
      method,
      url,
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    })
    const session = res.cookies.find((c) => c.name === 'tao_session')
    if (session) cookie = `tao_session=${encodeURIComponent(session.value)}`
    return res
  }
}

/** Opens the form and returns the CSRF token it carries. */
async function openForm (visit: ReturnType<typeof visitor>): Promise<string> {
  const res = await visit('GET', app.url('blog:new'))
  assert.equal(res.statusCode, 200)
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
  assert.ok(token, 'the form has a CSRF field')
  return token
}

test('a post goes from the form to the list and its own page, escaped', async () => {
  const visit = visitor()
  const _csrf = await openForm(visit)
  const created = await visit('POST', app.url('blog:create'), { _csrf, title: 'Hello <b>tao</b>', body: 'First line\n<script>alert(1)</script>' })
  assert.equal(created.statusCode, 302)
  assert.equal(created.headers.location, app.url('blog:post', { slug: 'hello-b-tao-b' }))

  const page = await visit('GET', created.headers.location)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /class="flash success">Published “Hello &lt;b&gt;tao&lt;\/b&gt;”/)
  assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  assert.doesNotMatch(page.body, /<script>alert/)

  const list = await visit('GET', app.url('blog:index'))
  assert.match(list.body, /<a href="\/blog\/post\/hello-b-tao-b">Hello &lt;b&gt;tao&lt;\/b&gt;<\/a>/)
  assert.doesNotMatch(list.body, /Published/, 'a flash message shows once')
})

test('an invalid post re-renders the form with its messages and what was typed', async () => {
  const visit = visitor()
  const _csrf = await openForm(visit)
  const res = await visit('POST', app.url('blog:create'), { _csrf, title: '  ', body: 'kept "as typed"' })
  assert.equal(res.statusCode, 422)
  assert.match(res.body, /<p class="error">A title is required.<\/p>/)
  assert.match(res.body, /kept &quot;as typed&quot;<\/textarea>/)
  assert.equal(await app.db.collection('posts').countDocuments({ body: 'kept "as typed"' }), 0)
})

test('a post without the CSRF token is refused', async () => {
  const visit = visitor()
  await openForm(visit)
  const res = await visit('POST', app.url('blog:create'), { title: 'Forged', body: 'no token' })
  assert.equal(res.statusCode, 403)
  assert.equal(await app.db.collection('posts').countDocuments({ title: 'Forged' }), 0)
})

test('an unknown slug is the 404 page', async () => {
  const res = await app.inject(app.url('blog:post', { slug: 'no-such-post' }))
  assert.equal(res.statusCode, 404)
  assert.match(res.body, /<h1>Nothing here<\/h1>/)
  assert.match(res.body, /There is no post &#39;no-such-post&#39;\./)
})
