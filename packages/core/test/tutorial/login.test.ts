// The project of docs/tutorial/login.md, driven like a browser over real HTTP: a login form
// with its CSRF token, the user kept in the session, flash messages, sign out.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { csrfFrom } from '../helpers/cookie-jar.js'
import { fixture } from '../helpers/fixtures.js'

let app: TaoApp
let base: string

/** A browser in miniature: one cookie jar, redirects followed by hand. */
class Browser {
  readonly cookies = new Map<string, string>()

  async request (path: string, init: { method?: string, form?: Record<string, string> } = {}): Promise<{ status: number, location: string | null, body: string }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
    let body: string | undefined
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const res = await fetch(base + path, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq))
      else this.cookies.set(pair.slice(0, eq), value)
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() }
  }

  /** GET, following redirects (at most 5). */
  async visit (path: string) {
    let res = await this.request(path)
    for (let i = 0; i < 5 && res.location; i++) res = await this.request(res.location)
    return res
  }

  /** Submits the form of the page at `page` whose action is `action`, with its CSRF token. */
  async submit (page: string, action: string, fields: Record<string, string> = {}) {
    const html = (await this.visit(page)).body
    assert.ok(html.includes(`action="${action}"`), `no form to ${action} on ${page}`)
    const res = await this.request(action, { method: 'POST', form: { _csrf: csrfFrom(html), ...fields } })
    return res.location ? await this.visit(res.location) : res
  }
}

before(async () => {
  app = await createTestApp({ root: fixture('login') })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})
after(() => app.close())

test('a visitor is not signed in, and the account page sends them to the login form', async () => {
  const browser = new Browser()
  assert.match((await browser.visit('/')).body, /You are not signed in/)
  const res = await browser.visit('/account')
  assert.match(res.body, /<h1>Sign in<\/h1>/)
  assert.match(res.body, /<p class="message warning">Please sign in first\.<\/p>/)
})

test('a wrong password shows an error once', async () => {
  const browser = new Browser()
  const res = await browser.submit('/login', '/login', { username: 'ada', password: 'nope' })
  assert.match(res.body, /<p class="message error">Wrong username or password\.<\/p>/)
  assert.doesNotMatch((await browser.visit('/login')).body, /Wrong username/)
  const unknown = await browser.submit('/login', '/login', { username: 'constructor', password: 'x' })
  assert.match(unknown.body, /Wrong username or password/)
})

test('signing in keeps the user in the session; signing out forgets them', async () => {
  const browser = new Browser()
  const home = await browser.submit('/login', '/login', { username: 'ada', password: 'lovelace-1815' })
  assert.match(home.body, /<p class="message success">Welcome back, Ada Lovelace\.<\/p>/)
  assert.match(home.body, /<h1>Hello, Ada Lovelace<\/h1>/)
  assert.doesNotMatch((await browser.visit('/')).body, /Welcome back/, 'a flash message is shown once')
  assert.match((await browser.visit('/account')).body, /Username: ada/)

  const out = await browser.submit('/', '/logout')
  assert.match(out.body, /<p class="message info">You are signed out\.<\/p>/)
  assert.match(out.body, /You are not signed in/)
  assert.match((await browser.visit('/account')).body, /Please sign in first/)
})

test('the session survives a restart of the server (the key is in settings)', async () => {
  const browser = new Browser()
  await browser.submit('/login', '/login', { username: 'ada', password: 'lovelace-1815' })
  const other = await createTestApp({ root: fixture('login') })
  try {
    const res = await other.inject({ url: '/account', headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    assert.match(res.body, /Username: ada/)
  } finally {
    await other.close()
  }
})

test('forged posts are refused: no token, or a token from before the login', async () => {
  const browser = new Browser()
  const forged = await browser.request('/logout', { method: 'POST', form: {} })
  assert.equal(forged.status, 403)
  assert.match(forged.body, /it carries no CSRF token/)

  const before = csrfFrom((await browser.visit('/login')).body)
  await browser.submit('/login', '/login', { username: 'ada', password: 'lovelace-1815' })
  const stale = await browser.request('/logout', { method: 'POST', form: { _csrf: before } })
  assert.equal(stale.status, 403)
  assert.match((await browser.visit('/')).body, /Hello, Ada Lovelace/, 'still signed in')
})

test("the tutorial's own test (section 5) passes", async () => {
  const app = await createTestApp({ root: fixture('login') })
  after(() => app.close())
  const form = await app.inject('/login')
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!
  const cookie = form.cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ')
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, username: 'ada', password: 'lovelace-1815' }).toString(),
  })
  assert.equal(res.statusCode, 302)
  assert.equal(res.headers.location, '/')
})

test('the code in docs/tutorial/login.md is the code of the fixture', () => {
  const doc = readFileSync(new URL('../../../../docs/tutorial/login.md', import.meta.url), 'utf8')
  const blocks = [...doc.matchAll(/```ts\n\/\/ (apps\/accounts\/[\w.]+\.ts)\n([\s\S]*?)```/g)]
  const shown = blocks.map((m) => m[1]).filter((f) => !f!.includes('/test/'))
  assert.deepEqual(shown.sort(), ['apps/accounts/routes.ts', 'apps/accounts/users.ts', 'apps/accounts/views.ts'])
  for (const [, file, code] of blocks) {
    if (file!.includes('/test/')) continue
    assert.equal(code, readFileSync(join(fixture('login'), file!), 'utf8'), `${file} differs from the tutorial`)
  }
  // Templates start with a comment naming their file, so the block is the whole file.
  const templates = [...doc.matchAll(/```html\n(\{# ([\w./]+) #\}\n[\s\S]*?)```/g)]
  assert.deepEqual(templates.map((m) => m[2]).sort(), ['apps/accounts/templates/account.html', 'apps/accounts/templates/home.html', 'apps/accounts/templates/login.html', 'templates/base.html'])
  for (const [, content, file] of templates) {
    assert.equal(content, readFileSync(join(fixture('login'), file!), 'utf8'), `${file} differs from the tutorial`)
  }
})
