// Languages in a real browser (Chromium): a French browser gets the French page; the switcher
// link sets the language cookie and comes back to the same page in English, which then stays
// English on the next visit; no console error or CSP violation on the way.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'
import { launch, openPage, skip } from './helpers.js'

let browser: Browser
let app: TaoApp
let base = ''

before(async () => {
  if (skip) return
  app = await createTestApp({ root: fixture('i18n'), settings: { allowedHosts: ['127.0.0.1'] } })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await app?.close()
})

test('a French browser reads French; the switcher changes the language and it sticks', { skip, timeout: 60_000 }, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' })
    const res = await page.goto(`${base}/blog/?n=2`)
    assert.equal(res?.headers()['content-language'], 'fr')
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr')
    assert.equal(await page.locator('#count').textContent(), '2 billets')
    assert.equal(await page.locator('#markup em').textContent(), 'plus', 'the translator\'s markup is real markup')

    await Promise.all([page.waitForURL(`${base}/blog/?n=2`), page.click('a.lang[hreflang=en]')])
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    assert.equal(await page.locator('#count').textContent(), '2 posts')
    const cookie = (await context.cookies()).find((c) => c.name === 'tao_language')
    assert.equal(cookie?.value, 'en')
    assert.equal(cookie?.httpOnly, true)

    await page.goto(`${base}/blog/?n=1`)
    assert.equal(await page.locator('#count').textContent(), '1 post', 'the cookie wins over Accept-Language')
    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})
