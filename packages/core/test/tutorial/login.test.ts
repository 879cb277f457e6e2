// The project of docs/tutorial/login.md, driven like a browser over real HTTP: the auth app's
// login form with its CSRF token, a page behind loginRequired, the user in templates, sign out.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { createUser, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
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
  await createUser(app, { username: 'ada', email: 'ada@example.com', password: 'lovelace-1815' })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})
after(() => app.close())

test('a visitor is not signed in, and the account page sends them to the login form', async () => {
  const browser = new Browser()
  assert.match((await browser.visit('/')).body, /You are not signed in/)
  const first = await browser.request('/account')
  assert.equal(first.status, 302)
  assert.equal(first.location, '/accounts/login/?next=%2Faccount')
  assert.match((await browser.visit('/account')).body, /<h1>Log in<\/h1>/)
})

test('a wrong password shows an error, the same for an unknown user', async () => {
  const browser = new Browser()
  const res = await browser.submit('/accounts/login/', '/accounts/login/', { username: 'ada', password: 'nope' })
  assert.equal(res.status, 400)
  assert.match(res.body, /Please enter a correct username and password/)
  const unknown = await browser.submit('/accounts/login/', '/accounts/login/', { username: 'constructor', password: 'x' })
  assert.match(unknown.body, /Please enter a correct username and password/)
})

test('signing in comes back to next; the user is in templates; signing out forgets them', async () => {
  const browser = new Browser()
  const account = await browser.submit('/accounts/login/?next=/account', '/accounts/login/', { username: 'ada', password: 'lovelace-1815', next: '/account' })
  assert.match(account.body, /<p>Username: ada<\/p>/)
  assert.match(account.body, /<p>Email: ada@example.com<\/p>/)
  assert.match((await browser.visit('/')).body, /<h1>Hello, ada<\/h1>/)

  const out = await browser.submit('/', '/accounts/logout/')
  assert.match(out.body, /<p class="message info">You are logged out\.<\/p>/)
  assert.match(out.body, /You are not signed in/)
  assert.equal((await browser.request('/account')).status, 302)
})

test('a session cookie copied before signing out is worth nothing after it', async () => {
  const browser = new Browser()
  await browser.submit('/accounts/login/', '/accounts/login/', { username: 'ada', password: 'lovelace-1815' })
  const copy = new Browser()
  for (const [k, v] of browser.cookies) copy.cookies.set(k, v)
  assert.match((await copy.visit('/account')).body, /Username: ada/)
  await browser.submit('/', '/accounts/logout/')
  assert.equal((await copy.request('/account')).status, 302)
})

test('forged posts are refused: no token, or a token from before the login', async () => {
  const browser = new Browser()
  const forged = await browser.request('/accounts/logout/', { method: 'POST', form: {} })
  assert.equal(forged.status, 403)
  assert.match(forged.body, /it carries no CSRF token/)

  const before = csrfFrom((await browser.visit('/accounts/login/')).body)
  await browser.submit('/accounts/login/', '/accounts/login/', { username: 'ada', password: 'lovelace-1815' })
  const stale = await browser.request('/accounts/logout/', { method: 'POST', form: { _csrf: before } })
  assert.equal(stale.status, 403)
  assert.match((await browser.visit('/')).body, /Hello, ada/, 'still signed in')
})

test("the tutorial's own test (section 6) passes", async () => {
  const app = await createTestApp({ root: fixture('login') })
  after(() => app.close())
  const ada = await createUser(app, { username: 'ada', email: 'ada@example.com', password: 'lovelace-1815' })
  const client = new TestClient(app)
  assert.equal((await client.get('/account')).statusCode, 302)
  await client.login(ada)
  const res = await client.get('/account')
  assert.match(res.body, /Username: ada/)
})

test('the code in docs/tutorial/login.md is the code of the fixture', () => {
  const doc = readFileSync(new URL('../../../../docs/tutorial/login.md', import.meta.url), 'utf8')
  const blocks = [...doc.matchAll(/```ts\n\/\/ (apps\/accounts\/[\w.]+\.ts)\n([\s\S]*?)```/g)]
  const shown = blocks.map((m) => m[1]).filter((f) => !f!.includes('/test/'))
  assert.deepEqual(shown.sort(), ['apps/accounts/routes.ts', 'apps/accounts/views.ts'])
  for (const [, file, code] of blocks) {
    if (file!.includes('/test/')) continue
    assert.equal(code, readFileSync(join(fixture('login'), file!), 'utf8'), `${file} differs from the tutorial`)
  }
  // Templates start with a comment naming their file, so the block is the whole file.
  const templates = [...doc.matchAll(/```html\n(\{# ([\w./]+) #\}\n[\s\S]*?)```/g)]
  assert.deepEqual(templates.map((m) => m[2]).sort(), ['apps/accounts/templates/account.html', 'apps/accounts/templates/home.html', 'templates/base.html'])
  for (const [, content, file] of templates) {
    assert.equal(content, readFileSync(join(fixture('login'), file!), 'utf8'), `${file} differs from the tutorial`)
  }
  // The settings block of section 2 turns auth on as the fixture does.
  assert.match(doc, /export default defineSettings\(\{\n {2}allowedHosts: \['localhost', '127\.0\.0\.1'\],\n {2}auth: true,\n\}\)/)
})
