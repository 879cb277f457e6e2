// The admin's pages over HTTP as staff use them: index, list (search, filters, sorting, range
// pages), add with errors beside the fields then fixed, change (the log names the changed
// fields), read-only fields, delete with its confirmation page, bulk actions, history.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import type { TestClient } from '@tao/core/testing'
import { adminApp, clientAs, fieldErrors, product, productForm } from './helpers.js'

let app: TaoApp
let boss: TestClient
const products = () => app.db.collection('shop_products')

before(async () => {
  app = await adminApp()
  boss = await clientAs(app, 'boss', { isSuperuser: true })
})
after(() => app.close())

test('the index lists the registered models with links, and the site title from settings', async () => {
  const res = await boss.get('/admin/')
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<title>Site administration \| Shop admin<\/title>/)
  assert.match(res.body, /href="\/admin\/shop\/products\/">Products<\/a>/)
  assert.match(res.body, /href="\/admin\/shop\/products\/add">Add<\/a>/)
  assert.match(res.body, /href="\/admin\/shop\/categories\/">Categories<\/a>/)
  assert.equal(res.headers['cache-control'], 'no-store')
})

test('add: a validation error is shown beside its field with the values kept, then the fixed form saves and is logged', async () => {
  const bad = await boss.post('/admin/shop/products/add', productForm({ name: '', price: 'cheap', sku: 'DSK-ADD' }))
  assert.equal(bad.statusCode, 200, 'the form again, as Django does (a 4xx would be a console error in browsers)')
  assert.match(bad.body, /Please correct the errors below\./)
  assert.deepEqual(fieldErrors(bad.body), { name: 'This field cannot be empty.', price: 'Enter a number.' })
  assert.match(bad.body, /<input type="text" id="field-name" name="name" value=""[^>]*aria-invalid="true" aria-describedby="field-name-error"/)
  assert.match(bad.body, /name="price" value="cheap"/, 'what was typed is kept')
  assert.equal(await products().countDocuments({ sku: 'DSK-ADD' }), 0)

  const ok = await boss.post('/admin/shop/products/add', productForm({ sku: 'DSK-ADD', 'dimensions.width': '60', 'dimensions.height': '75', extra: '{"finish": "oak", "since": {"$date": "2020-01-01T00:00:00Z"}}' }))
  assert.equal(ok.statusCode, 303)
  assert.equal(ok.headers.location, '/admin/shop/products/')
  const doc = await products().findOne({ sku: 'DSK-ADD' })
  assert.ok(doc)
  assert.equal(doc.price, 99.5)
  assert.equal(doc.stock, 2)
  assert.equal(doc.active, true)
  assert.deepEqual(doc.tags, ['wood'])
  assert.deepEqual(doc.dimensions, { width: 60, height: 75 })
  assert.deepEqual(doc.releasedAt, new Date('2026-03-04T09:30:00Z'))
  assert.deepEqual(doc.extra, { finish: 'oak', since: new Date('2020-01-01T00:00:00Z') })
  const log = await app.db.collection('admin_log').findOne({ model: 'shop:products', docId: doc._id.toHexString() })
  assert.equal(log?.action, 'add')
  assert.equal(log?.user.username, 'boss')
  const list = await boss.get('/admin/shop/products/')
  assert.match(list.body, /The product “Desk” was added\./)
})

test('a unique index violation is shown beside the field', async () => {
  await products().insertOne(product({ sku: 'TAKEN-1' }))
  const res = await boss.post('/admin/shop/products/add', productForm({ sku: 'TAKEN-1' }))
  assert.equal(res.statusCode, 200)
  assert.match(fieldErrors(res.body).sku ?? '', /already used/)
})

test('change: the form shows the document, read-only fields cannot be changed, the log names the changed fields', async () => {
  const { insertedId } = await products().insertOne(product({ name: 'Chair', sku: 'CHR-1', price: 40 }))
  const url = `/admin/shop/products/${insertedId.toHexString()}/change`
  const form = await boss.get(url)
  assert.equal(form.statusCode, 200)
  assert.match(form.body, /name="name" value="Chair"/)
  assert.match(form.body, /<div class="readonly">CHR-1<\/div>/)
  assert.doesNotMatch(form.body, /name="sku"/)
  const res = await boss.post(url, productForm({ name: 'Armchair', price: '45', status: 'listed', sku: 'HACKED' }))
  assert.equal(res.statusCode, 303)
  const doc = await products().findOne({ _id: insertedId })
  assert.equal(doc?.name, 'Armchair')
  assert.equal(doc?.sku, 'CHR-1', 'a read-only field keeps its value whatever is posted')
  const log = await app.db.collection('admin_log').findOne({ action: 'change', docId: insertedId.toHexString() })
  assert.ok(log)
  assert.ok(log.fields.includes('name') && log.fields.includes('price'), String(log.fields))
  assert.ok(!log.fields.includes('sku'))
  const history = await boss.get(`/admin/shop/products/${insertedId.toHexString()}/history`)
  assert.equal(history.statusCode, 200)
  assert.match(history.body, /Changed<\/span>\s*<a href="[^"]+">Armchair<\/a>/)
  assert.match(history.body, /name, price/)
})

test('list: search, filters (boolean, enum, date range, reference), sorting by indexed columns, range pages', async () => {
  const { insertedId: cat } = await app.db.collection('shop_categories').insertOne({ name: 'Outdoor' })
  await products().insertMany(Array.from({ length: 12 }, (_, i) => product({
    name: `Tent ${String(i).padStart(2, '0')}`,
    active: i % 2 === 0,
    status: i < 4 ? 'retired' : 'listed',
    releasedAt: new Date(Date.UTC(2025, 0, 1 + i)),
    category: i < 3 ? cat : undefined,
  })))
  const names = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+">(Tent \d\d)<\/a>/g)].map((m) => m[1])
  const search = await boss.get('/admin/shop/products/?q=tent')
  assert.deepEqual(names(search.body), ['Tent 11', 'Tent 10', 'Tent 09', 'Tent 08', 'Tent 07'], 'newest first, 5 per page')
  const next = /href="(\?[^"]*after=[^"]+)" rel="next"/.exec(search.body)?.[1]?.replace(/&amp;/g, '&')
  assert.ok(next)
  const page2 = await boss.get(`/admin/shop/products/${next}`)
  assert.deepEqual(names(page2.body), ['Tent 06', 'Tent 05', 'Tent 04', 'Tent 03', 'Tent 02'])
  const prev = /href="(\?[^"]*before=[^"]+)" rel="prev"/.exec(page2.body)?.[1]?.replace(/&amp;/g, '&')
  assert.deepEqual(names((await boss.get(`/admin/shop/products/${prev}`)).body), ['Tent 11', 'Tent 10', 'Tent 09', 'Tent 08', 'Tent 07'])

  assert.deepEqual(names((await boss.get('/admin/shop/products/?q=tent&active=0&status=listed')).body), ['Tent 11', 'Tent 09', 'Tent 07', 'Tent 05'])
  assert.deepEqual(names((await boss.get('/admin/shop/products/?q=tent&releasedAt__gte=2025-01-03&releasedAt__lt=2025-01-05')).body), ['Tent 04', 'Tent 03', 'Tent 02'])
  assert.deepEqual(names((await boss.get(`/admin/shop/products/?category=${cat.toHexString()}`)).body), ['Tent 02', 'Tent 01', 'Tent 00'])
  const byName = await boss.get('/admin/shop/products/?q=tent&o=name')
  assert.deepEqual(names(byName.body), ['Tent 00', 'Tent 01', 'Tent 02', 'Tent 03', 'Tent 04'])
  assert.match(byName.body, /<th scope="col" aria-sort="ascending">/)
  assert.match(byName.body, /<th scope="col">\s*Price\s*<\/th>/, 'a column without an index is not sortable')
})

test('delete: the page shows what will be deleted and what refers to it; POST deletes and logs', async () => {
  const { insertedId: cat } = await app.db.collection('shop_categories').insertOne({ name: 'Garden' })
  await products().insertOne(product({ name: 'Rake', category: cat }))
  const url = `/admin/shop/categories/${cat.toHexString()}/delete`
  const page = await boss.get(url)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Are you sure you want to delete the category “Garden”\?/)
  assert.match(page.body, /Products \(1\): Rake/)
  const res = await boss.post(url, {})
  assert.equal(res.statusCode, 303)
  assert.equal(await app.db.collection('shop_categories').countDocuments({ _id: cat }), 0)
  const log = await app.db.collection('admin_log').findOne({ action: 'delete', docId: cat.toHexString() })
  assert.equal(log?.label, 'Garden')
  const history = await boss.get(`/admin/shop/categories/${cat.toHexString()}/history`)
  assert.equal(history.statusCode, 200, 'the history outlives the document')
})

test('bulk actions: delete selected asks for confirmation first; a custom action runs and is logged per document', async () => {
  const { insertedIds } = await products().insertMany([product({ name: 'Bulk A' }), product({ name: 'Bulk B' }), product({ name: 'Bulk C' })])
  const ids = Object.values(insertedIds).map((id) => id.toHexString())
  await boss.get('/admin/shop/products/')
  const confirm = await boss.post('/admin/shop/products/', { action: 'delete_selected', _selected: ids.slice(0, 2) })
  assert.equal(confirm.statusCode, 200)
  assert.match(confirm.body, /Are you sure you want to delete these 2 products\?/)
  assert.equal(await products().countDocuments({ name: /^Bulk/ }), 3, 'nothing is deleted before confirmation')
  const done = await boss.post('/admin/shop/products/', { action: 'delete_selected', _selected: ids.slice(0, 2), confirm: 'yes' })
  assert.equal(done.statusCode, 303)
  assert.equal(await products().countDocuments({ name: /^Bulk/ }), 1)

  const retire = await boss.post('/admin/shop/products/', { action: 'retire', _selected: [ids[2]!] })
  assert.equal(retire.statusCode, 303)
  assert.equal((await products().findOne({ name: 'Bulk C' }))?.status, 'retired')
  assert.equal(await app.db.collection('admin_log').countDocuments({ action: 'action:retire', docId: ids[2] }), 1)
  assert.match((await boss.get('/admin/shop/products/')).body, /Retired 1 product\(s\)\./)
  const row = await boss.post(`/admin/shop/products/${ids[2]}/action`, { action: 'retire' })
  assert.equal(row.statusCode, 303)
  assert.equal(row.headers.location, `/admin/shop/products/${ids[2]}/change`)
})
