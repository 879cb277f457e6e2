// The debug toolbar in a real browser (Chromium) under the default Content-Security-Policy: the
// tab opens it, every panel opens from its button, Explain fetches a plan, a fetch() made by the
// page shows in the History panel, and its page opens with its own panels; no console error,
// exception or CSP violation anywhere. Screenshots go to $TAO_TOOLBAR_SHOTS (default: the
// temporary folder); `TAO_TOOLBAR_SHOTS=docs/images` refreshes those of docs/reference/debug-toolbar.md.
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TaoApp } from '@tao/core'
import { fixture, projectApp } from '../support/project.js'
import { launch, openPage, skip } from './helpers.js'

const shots = resolve(process.env.TAO_TOOLBAR_SHOTS ?? tmpdir())
const PANELS = ['request', 'headers', 'timeline', 'templates', 'database', 'logging', 'settings', 'websockets', 'services', 'history']

let browser: Browser
let app: TaoApp
let base = ''

before(async () => {
  if (skip) return
  app = await projectApp(fixture('debug-toolbar'), { settings: { logLevel: 'warn', database: { url: 'memory', name: 'toolbar_browser' } } })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  await app.db.collection('posts').insertMany([{ author: 'ann', title: 'Tea' }, { author: 'bob', title: 'Coffee' }])
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await app?.close()
})

const slow = { skip, timeout: 90_000 }

/** Opens panel `name` of the open toolbar and checks it is the one shown. */
async function openPanel (page: Page, name: string): Promise<void> {
  await page.click(`#tao-toolbar [data-tao-panel="${name}"]`)
  await page.locator(`#tao-toolbar [data-tao-section="${name}"]`).waitFor({ state: 'visible' })
  const shown = await page.locator('#tao-toolbar [data-tao-section]:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-tao-section')))
  assert.deepEqual(shown, [name])
  assert.equal(await page.getAttribute(`#tao-toolbar [data-tao-panel="${name}"]`, 'aria-pressed'), 'true')
}

test('the tab opens the toolbar, each panel opens, Explain answers; no CSP violation', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.setViewportSize({ width: 1100, height: 760 })
    const res = await page.goto(`${base}/posts`)
    assert.equal(res?.status(), 200)
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/)
    assert.equal(await page.isVisible('#tao-toolbar-panel'), false)
    await page.click('.tao-toolbar-tab')
    await page.locator('#tao-toolbar-panel').waitFor({ state: 'visible' })
    assert.equal(await page.getAttribute('.tao-toolbar-tab', 'aria-expanded'), 'true')
    for (const name of PANELS) await openPanel(page, name)

    await openPanel(page, 'timeline')
    await page.locator('#tao-toolbar-panel').screenshot({ path: join(shots, 'debug-toolbar-timeline.png') })
    await openPanel(page, 'templates')
    assert.match(await page.locator('[data-tao-section="templates"]').innerText(), /pages:posts\s+authors, found, title/)
    await openPanel(page, 'database')
    assert.match(await page.locator('.tao-toolbar-warning').innerText(), /The same find on posts ran 2 times/)
    await page.click('[data-tao-section="database"] button[data-tao-explain] >> nth=0')
    const plan = page.locator('[data-tao-explain-out]:visible').first()
    await plan.filter({ hasText: '"command": "find"' }).waitFor()
    await page.click('[data-tao-section="database"] details summary >> nth=0')
    await page.locator('#tao-toolbar-panel').screenshot({ path: join(shots, 'debug-toolbar-database.png') })
    await openPanel(page, 'logging')
    assert.match(await page.locator('[data-tao-section="logging"]').innerText(), /warn\s+[\d.]+\s+ran one query per author/)
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test("a page's fetch() is in the History panel, and its page opens with its own panels", slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.setViewportSize({ width: 1100, height: 760 })
    await page.goto(`${base}/`)
    assert.equal(await page.evaluate("fetch('/api').then((r) => r.status)"), 200)
    await page.goto(`${base}/go`)
    await page.waitForURL(`${base}/posts`)
    await page.click('.tao-toolbar-tab')
    await openPanel(page, 'history')
    const rows = await page.locator('[data-tao-section="history"] tbody tr').allInnerTexts()
    const cells = rows.map((r) => r.split('\t').slice(1, 5).map((c) => c.trim()))
    assert.deepEqual(cells.slice(0, 4), [
      ['GET', '/posts', '200', 'page'],
      ['GET', '/go → /posts', '302', 'page'],
      ['GET', '/api', '200', 'fetch'],
      ['GET', '/', '200', 'page'],
    ])
    await page.locator('#tao-toolbar-panel').screenshot({ path: join(shots, 'debug-toolbar-history.png') })
    await page.click('[data-tao-section="history"] tbody tr:has-text("/api") a:text("view")')
    await page.waitForURL(/\/-\/toolbar\/requests\/\d+$/)
    assert.match(await page.locator('h1').innerText(), /^Request \d+: GET \/api → 200$/)
    await openPanel(page, 'database')
    assert.match(await page.locator('[data-tao-section="database"] tbody tr >> nth=0').innerText(), /aggregate\s+visits/)
    await openPanel(page, 'headers')
    assert.match(await page.locator('[data-tao-section="headers"]').innerText(), /content-type\s+application\/json; charset=utf-8/)
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test('a view that throws: the Youch debug page, its own frame first, with the toolbar; no CSP violation', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    const res = await page.goto(`${base}/boom`)
    assert.equal(res?.status(), 500)
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-/)
    assert.match(await page.locator('.stack-frame.expanded .stack-frame-filepath').first().innerText(), /apps\/pages\/views\.ts$/)
    await page.click('.tao-toolbar-tab')
    await openPanel(page, 'request')
    assert.match(await page.locator('[data-tao-section="request"]').innerText(), /Status\s+500/)
    assert.deepEqual(complaints.violations, [], 'the nonce and style-src-attr cover the page, the toolbar needs no exception')
    assert.deepEqual(complaints.exceptions, [])
  } finally {
    await context.close()
  }
})
