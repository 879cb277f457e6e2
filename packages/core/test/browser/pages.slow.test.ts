// tao's pages in a real browser (Chromium): the default CSP lets tao's own pages, stylesheets
// and scripts work; CSRF-protected forms go through when clicked and are refused without their
// token or from another origin; the session cookie is HttpOnly and lasts; a page's websocket
// echoes while another site's is refused; a 404 is tao's HTML page.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { launch, openPage, otherOrigin, skip } from './helpers.js'

let browser: Browser
let app: TaoApp
let base = ''
let other: Awaited<ReturnType<typeof otherOrigin>>

before(async () => {
  if (skip) return
  app = await createTestApp({ root: fixture('browser') })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  other = await otherOrigin({
    // Same site (127.0.0.1), another port: the browser sends tao's cookie along, but not a token.
    '/forged': `<!doctype html><form method="post" action="${base}/form">
      <input type="hidden" name="_csrf" value="forged"><input name="name" value="Mallory">
      <button>Win a prize</button></form>`,
    // Served as http://localhost:PORT, a host tao does not allow (the fixture allows 127.0.0.1).
    '/ws': `<!doctype html><p id="result">connecting</p><script>
      const socket = new WebSocket('${base.replace('http:', 'ws:')}/echo')
      socket.onopen = () => { document.getElementById('result').textContent = 'open' }
      socket.onclose = (e) => { document.getElementById('result').textContent = 'closed ' + e.code }
      </script>`,
  })
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await other?.close()
  await app?.close()
})

const slow = { skip, timeout: 60_000 }

test('a template page with a static stylesheet and script loads with no console error or CSP violation', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    const res = await page.goto(`${base}/`)
    assert.equal(res?.status(), 200)
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'the default CSP is on')
    // The deferred script ran: it rewrote the paragraph; the stylesheet colours it.
    await page.locator('#js-status', { hasText: 'script ran' }).waitFor()
    assert.equal(await page.evaluate("getComputedStyle(document.getElementById('js-status')).color"), 'rgb(0, 128, 0)')
    assert.match(await page.locator('link[rel=stylesheet]').getAttribute('href') ?? '', /^\/static\/site\/css\/site\.css\?v=[0-9a-f]{12}$/)
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test('a form with csrf_field() submitted by a click goes through, and the flash shows on the next page', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.goto(`${base}/form`)
    await page.locator('#js-status', { hasText: 'script ran' }).waitFor()
    assert.equal(await page.locator('input[name=_csrf]').count(), 1)
    await page.fill('input[name=name]', 'Zoë')
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button'),
    ])
    assert.equal(post.status(), 302)
    await page.waitForURL(`${base}/`)
    assert.equal(await page.locator('p.message.success').textContent(), 'Saved Zoë.')
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test('the same form without its token (removed by the page script) is refused with 403', slow, async () => {
  const { context, page } = await openPage(browser)
  try {
    await page.goto(`${base}/form?strip`)
    await page.locator('#js-status', { hasText: 'script ran' }).waitFor()
    assert.equal(await page.locator('input[name=_csrf]').count(), 0, 'the script removed the token')
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button'),
    ])
    assert.equal(post.status(), 403)
    await page.locator('h1', { hasText: '403 Forbidden' }).waitFor()
    assert.match(await page.locator('body').textContent() ?? '', /TAO_ERR_CSRF_TOKEN_MISSING/)
  } finally {
    await context.close()
  }
})

test('a forged form on another origin posting to tao is refused with 403, though the session cookie goes along', slow, async () => {
  const { context, page } = await openPage(browser)
  try {
    await page.goto(`${base}/form`) // a session with a CSRF secret, as a signed-in victim has
    assert.equal((await context.cookies(base)).filter((c) => c.name === 'tao_session').length, 1)
    await page.goto(`http://127.0.0.1:${other.port}/forged`)
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button'),
    ])
    assert.equal(post.status(), 403)
    assert.match((await post.request().allHeaders()).cookie ?? '', /tao_session=/, 'the cookie was sent: the CSRF checks alone refused it')
    // Refused first by the Origin check (another port is another origin), before the token's.
    assert.match(await page.locator('body').textContent() ?? '', /TAO_ERR_CSRF_ORIGIN_FORBIDDEN/)
    await page.goto(`${base}/`)
    assert.equal(await page.locator('p.message').count(), 0, 'no flash from the forged post')
  } finally {
    await context.close()
  }
})

test('the session cookie is HttpOnly, and the session lasts across page loads', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.goto(`${base}/`)
    assert.equal(await page.locator('#visits').textContent(), '1')
    const [cookie] = (await context.cookies(base)).filter((c) => c.name === 'tao_session')
    assert.ok(cookie, 'the server set the session cookie')
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Lax')
    assert.doesNotMatch(await page.evaluate<string>('document.cookie'), /tao_session/)
    await page.reload()
    assert.equal(await page.locator('#visits').textContent(), '2')
    await Promise.all([page.waitForURL(`${base}/`), page.click('#again')])
    assert.equal(await page.locator('#visits').textContent(), '3')
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test("a page's script talks to a ws() route; a page of another site is refused at the upgrade", slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.goto(`${base}/chat`)
    await page.locator('#chat', { hasText: 'echo: hello from the page' }).waitFor()
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })

    // Served from localhost, which the fixture does not allow. (A data: URL page would not
    // do: Chromium's local network access checks block it before tao sees the upgrade.)
    const refusals: string[] = []
    page.on('websocket', (ws) => ws.on('socketerror', (text) => refusals.push(text)))
    await page.goto(`http://localhost:${other.port}/ws`)
    await page.locator('#result', { hasText: /open|closed/ }).waitFor()
    assert.equal(await page.locator('#result').textContent(), 'closed 1006')
    assert.deepEqual(refusals, ['Error during WebSocket handshake: Unexpected response code: 403'])
  } finally {
    await context.close()
  }
})

test("a 404 in the browser is tao's HTML error page, not JSON", slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    const res = await page.goto(`${base}/no/such/page`)
    assert.equal(res?.status(), 404)
    assert.match(res?.headers()['content-type'] ?? '', /^text\/html/)
    assert.equal(await page.title(), '404 Not Found')
    assert.equal(await page.locator('h1').textContent(), '404 Not Found')
    assert.match(await page.locator('body').textContent() ?? '', /No page at GET \/no\/such\/page/)
    assert.deepEqual(complaints.violations, [], 'the inline style of the error page is allowed by the CSP')
    assert.deepEqual(complaints.exceptions, [])
  } finally {
    await context.close()
  }
})
