// Who may do what in the admin, checked server-side on every page and action: anonymous
// visitors go to the login page, users who are not staff get 403, staff get each model's
// view/add/change/delete permissions (from their own or their groups'), superusers everything.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { ObjectId, TaoApp } from '@tao/core'
import { TestClient } from '@tao/core/testing'
import { adminApp, clientAs, product, productForm } from './helpers.js'

let app: TaoApp
let id: string

before(async () => {
  app = await adminApp()
  id = ((await app.db.collection('shop_products').insertOne(product({ name: 'Guarded' }))).insertedId as ObjectId).toHexString()
})
after(() => app.close())

test('anonymous visitors are sent to the login page with next; their POSTs are refused', async () => {
  const anon = new TestClient(app)
  for (const path of ['/admin/', '/admin/shop/products/?q=a', `/admin/shop/products/${id}/change`, '/admin/_raw/']) {
    const res = await anon.get(path)
    assert.equal(res.statusCode, 302, path)
    assert.equal(res.headers.location, `/accounts/login/?next=${encodeURIComponent(path)}`)
  }
  await anon.get('/accounts/login/')
  const post = await anon.post(`/admin/shop/products/${id}/delete`, {})
  assert.ok(post.statusCode === 401 || post.statusCode === 403, String(post.statusCode))
  assert.ok(await app.db.collection('shop_products').findOne({ name: 'Guarded' }))
})

test('a logged-in user who is not staff gets 403 on every admin page', async () => {
  const user = await clientAs(app, 'visitor', { isStaff: false })
  for (const path of ['/admin/', '/admin/shop/products/', '/admin/shop/products/add', '/admin/_raw/']) {
    const res = await user.get(path)
    assert.equal(res.statusCode, 403, path)
  }
})

test('staff without permissions see no model and are refused each page with the permission named', async () => {
  const staff = await clientAs(app, 'newbie')
  const index = await staff.get('/admin/')
  assert.equal(index.statusCode, 200)
  assert.doesNotMatch(index.body, /shop\/products/)
  assert.match(index.body, /You may not use any model yet/)
  const list = await staff.get('/admin/shop/products/')
  assert.equal(list.statusCode, 403)
  assert.match(list.body, /needs the permission &#39;shop\.view_products&#39;/)
  assert.equal((await staff.get('/admin/_raw/')).statusCode, 403, 'the raw browser is for superusers only')
  assert.equal((await staff.get('/admin/_raw/shop_products/')).statusCode, 403)
})

test('view permission: the list and a read-only change page; add, change, delete and actions are refused', async () => {
  const viewer = await clientAs(app, 'viewer', { permissions: ['shop.view_products'] })
  const list = await viewer.get('/admin/shop/products/')
  assert.equal(list.statusCode, 200)
  assert.doesNotMatch(list.body, /Add product/)
  assert.doesNotMatch(list.body, /name="action"/, 'no bulk action without change or delete')
  const change = await viewer.get(`/admin/shop/products/${id}/change`)
  assert.equal(change.statusCode, 200)
  assert.doesNotMatch(change.body, /name="_save"/)
  assert.doesNotMatch(change.body, /<input type="text" id="field-name"/)
  assert.equal((await viewer.get('/admin/shop/products/add')).statusCode, 403)
  assert.equal((await viewer.post('/admin/shop/products/add', productForm({ sku: 'VIEW-1' }))).statusCode, 403)
  assert.equal((await viewer.post(`/admin/shop/products/${id}/change`, productForm({ name: 'Hacked' }))).statusCode, 403)
  assert.equal((await viewer.get(`/admin/shop/products/${id}/delete`)).statusCode, 403)
  assert.equal((await viewer.post(`/admin/shop/products/${id}/delete`, {})).statusCode, 403)
  assert.equal((await viewer.post('/admin/shop/products/', { action: 'delete_selected', _selected: [id], confirm: 'yes' })).statusCode, 403)
  assert.equal((await viewer.post('/admin/shop/products/', { action: 'retire', _selected: [id] })).statusCode, 403)
  assert.equal((await viewer.post(`/admin/shop/products/${id}/action`, { action: 'retire' })).statusCode, 403)
  const doc = await app.db.collection('shop_products').findOne({ name: 'Guarded' })
  assert.equal(doc?.status, 'listed', 'nothing changed')
  assert.equal((await viewer.get('/admin/shop/categories/')).statusCode, 403, 'permissions are per model')
})

test('permissions from a group count; add and change without delete', async () => {
  const { insertedId: group } = await app.db.collection('auth_groups').insertOne({ name: 'editors', permissions: ['shop.view_products', 'shop.add_products', 'shop.change_products'] })
  const { createUser } = await import('@tao/core')
  const user = await createUser(app, { username: 'editor', password: 'correct horse battery', isStaff: true, groups: [group] })
  const editor = new TestClient(app)
  await editor.login(user)
  const list = await editor.get('/admin/shop/products/')
  assert.equal(list.statusCode, 200)
  assert.match(list.body, /<option value="retire">Retire<\/option>/)
  assert.doesNotMatch(list.body, /delete_selected/)
  assert.equal((await editor.post('/admin/shop/products/add', productForm({ sku: 'EDIT-1' }))).statusCode, 303)
  assert.equal((await editor.post(`/admin/shop/products/${id}/delete`, {})).statusCode, 403)
  const index = await editor.get('/admin/')
  assert.match(index.body, /EDIT-1|Desk/, 'recent actions on models the user may view')
})

test('the change permission includes viewing (as in Django); an inactive superuser is refused', async () => {
  const changer = await clientAs(app, 'changer', { permissions: ['shop.change_products'] })
  assert.equal((await changer.get('/admin/shop/products/')).statusCode, 200)
  assert.match((await changer.get(`/admin/shop/products/${id}/change`)).body, /name="_save"/)
  assert.equal((await changer.get('/admin/shop/products/add')).statusCode, 403)
  const { createUser } = await import('@tao/core')
  const gone = await createUser(app, { username: 'gone', password: 'correct horse battery', isStaff: true, isSuperuser: true, isActive: false })
  const client = new TestClient(app)
  await client.login(gone).catch(() => {})
  const res = await client.get('/admin/shop/products/')
  assert.ok(res.statusCode === 302 || res.statusCode === 403, String(res.statusCode))
})
