// The admin in a real browser (Chromium): staff log in through the login page they are sent
// to, add a product with a mistake and fix it, search, filter, edit, delete with confirmation
// and find it all in the recent actions, with no console error or CSP violation; a user who is
// not staff is refused. Screenshots of the list and change pages go to $TAO_ADMIN_SHOTS
// (default: the system's temporary folder) to look at.
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { createUser, type TaoApp } from '@tao/core'
import { adminApp, PASSWORD } from '../admin/helpers.js'
import { launch, openPage, skip } from './helpers.js'

let browser: Browser
let app: TaoApp
let base = ''
const shots = process.env.TAO_ADMIN_SHOTS ?? tmpdir()

before(async () => {
  if (skip) return
  app = await adminApp()
  await createUser(app, { username: 'staffer', password: PASSWORD, isStaff: true, permissions: ['shop.view_products', 'shop.add_products', 'shop.change_products', 'shop.delete_products', 'shop.view_categories'] })
  await createUser(app, { username: 'reader', password: PASSWORD })
  await app.db.collection('shop_categories').insertOne({ name: 'Lighting' })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await app?.close()
})

const slow = { skip, timeout: 90_000 }

async function logIn (page: Page, username: string): Promise<void> {
  await page.fill('#id_username', username)
  await page.fill('#id_password', PASSWORD)
  await page.click('button[type=submit]')
}

test('staff manage products: add with a mistake then fix, search, filter, edit, delete with confirmation, audit log', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  // The auth app's login page links no icon; the browser's own /favicon.ico request is not the admin's.
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }))
  try {
    // 1. Anonymous: sent to the login page, then back to the admin.
    await page.goto(`${base}/admin/`)
    assert.match(page.url(), /\/accounts\/login\/\?next=%2Fadmin%2F$/)
    await logIn(page, 'staffer')
    await page.waitForURL(`${base}/admin/`)
    await page.click('.app-models a:text("Products")')
    await page.waitForURL(`${base}/admin/shop/products/`)

    // 2. Add, with an empty name: the error is beside the field, the rest is kept.
    await page.click('a.button:text("Add product")')
    await page.fill('#field-sku', 'LMP-100')
    await page.fill('#field-price', '24.5')
    await page.fill('#field-stock', '4')
    await page.check('#field-active')
    await page.selectOption('#field-status', 'listed')
    await page.fill('#field-releasedAt', '2026-04-01T12:00')
    await page.selectOption('#field-category', { label: 'Lighting' })
    await page.fill('.list-editor input >> nth=0', 'desk')
    await page.click('.list-editor button:text("Add item")')
    await page.fill('.list-editor input >> nth=1', 'led')
    await page.click('button[name=_save]')
    await page.locator('#field-name-error', { hasText: 'This field cannot be empty.' }).waitFor()
    assert.equal(await page.getAttribute('#field-name', 'aria-invalid'), 'true')
    assert.equal(await page.inputValue('#field-sku'), 'LMP-100')
    await page.fill('#field-name', 'Desk lamp')
    await page.click('button[name=_save]')
    await page.waitForURL(`${base}/admin/shop/products/`)
    await page.locator('.message.success', { hasText: 'The product “Desk lamp” was added.' }).waitFor()
    const saved = await app.db.collection('shop_products').findOne({ sku: 'LMP-100' })
    assert.deepEqual(saved?.tags, ['desk', 'led'])
    await app.db.collection('shop_products').insertMany([
      { name: 'Floor lamp', sku: 'LMP-200', price: 80, stock: 1, active: false, status: 'draft', releasedAt: new Date('2026-02-01T00:00:00Z'), tags: [] },
      { name: 'Rug', sku: 'RUG-1', price: 30, stock: 9, active: true, status: 'listed', releasedAt: new Date('2026-03-01T00:00:00Z'), tags: [] },
    ])

    // 3. Search, then filter.
    await page.fill('#search-q', 'lamp')
    await page.click('form.search button')
    await page.waitForURL(/q=lamp/)
    assert.deepEqual(await page.locator('table.results tbody th a').allTextContents(), ['Desk lamp', 'Floor lamp'])
    await page.click('.filters section:has(h3:text("By status")) a:text("draft")')
    await page.waitForURL(/status=draft/)
    assert.deepEqual(await page.locator('table.results tbody th a').allTextContents(), ['Floor lamp'])
    await page.screenshot({ path: join(shots, 'tao-admin-list.png') })

    // 4. Edit.
    await page.click('table.results tbody th a:text("Floor lamp")')
    await page.waitForURL(/\/change$/)
    await page.screenshot({ path: join(shots, 'tao-admin-change.png'), fullPage: true })
    await page.fill('#field-name', 'Floor lamp XL')
    await page.fill('#field-price', '95')
    await page.click('button[name=_continue]')
    await page.locator('.message.success', { hasText: 'was changed' }).waitFor()
    assert.equal(await page.inputValue('#field-name'), 'Floor lamp XL')

    // 5. Delete, with its confirmation page.
    await page.click('a.danger:text("Delete")')
    await page.locator('h1', { hasText: 'Are you sure?' }).waitFor()
    await page.click('button.danger')
    await page.waitForURL(`${base}/admin/shop/products/`)
    await page.locator('.message.success', { hasText: 'was deleted' }).waitFor()
    assert.equal(await app.db.collection('shop_products').countDocuments({ sku: 'LMP-200' }), 0)

    // 6. Bulk: select all rows with the script's checkbox, delete selected, confirm.
    await page.check('[data-select-all]')
    await page.selectOption('#bulk-action', 'delete_selected')
    await page.click('.actions button')
    await page.locator('h1', { hasText: 'Are you sure?' }).waitFor()
    assert.equal(await page.locator('ul.deleted li').count(), 2)
    await page.click('button.danger')
    await page.locator('.message.success', { hasText: 'Deleted 2 products.' }).waitFor()

    // 7. The audit log on the index.
    await page.click('a.brand')
    const log = await page.locator('.recent .log li').allTextContents()
    const said = log.map((t) => t.replace(/\s+/g, ' ').trim())
    assert.ok(said.some((t) => /^Deleted Floor lamp XL Product/.test(t)), said.join('\n'))
    assert.ok(said.some((t) => /^Changed Floor lamp XL Product · name, price/.test(t)), said.join('\n'))
    assert.ok(said.some((t) => /^Added Desk lamp Product/.test(t)), said.join('\n'))
    assert.ok(said.every((t) => t.includes('staffer')))

    assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
  } finally {
    await context.close()
  }
})

test('a logged-in user who is not staff is refused with 403', slow, async () => {
  const { context, page, complaints } = await openPage(browser)
  try {
    await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }))
    await page.goto(`${base}/admin/shop/products/`)
    const refused = page.waitForResponse((r) => r.url() === `${base}/admin/shop/products/`)
    await logIn(page, 'reader')
    assert.equal((await refused).status(), 403)
    const res = await page.goto(`${base}/admin/`)
    assert.equal(res?.status(), 403)
    assert.match(await page.textContent('body') ?? '', /needs an active staff account|a staff user/)
    // The 403 itself is reported by Chromium as a failed load; nothing else may be.
    assert.deepEqual(complaints.errors.filter((e) => !/status of 403/.test(e)), [])
    assert.deepEqual(complaints.violations, [])
  } finally {
    await context.close()
  }
})
