// settings.admin turns the built-in app on; it needs the auth app; off, /admin/ does not exist.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

test('admin without auth is a boot error naming both settings', async () => {
  await assert.rejects(createTestApp({ root: fixture('admin-site'), settings: { auth: false } }), (err) => {
    assert.ok(isTaoError(err, 'TAO_ERR_ADMIN_REQUIRES_AUTH'))
    assert.match(err.message, /settings\.admin is on but settings\.auth is off/)
    return true
  })
})

test('admin off: no admin routes; a prefix from settings moves it', async () => {
  const off = await createTestApp({ root: fixture('admin-site'), settings: { admin: false } })
  try {
    assert.equal((await off.inject('/admin/')).statusCode, 404)
    assert.equal(off.registry.has('admin'), false)
  } finally {
    await off.close()
  }
  const moved = await createTestApp({ root: fixture('admin-site'), settings: { admin: { prefix: '/staff' } } })
  try {
    assert.equal(moved.url('admin:index'), '/staff/')
    assert.equal((await moved.inject('/staff/')).headers.location, '/accounts/login/?next=%2Fstaff%2F')
  } finally {
    await moved.close()
  }
})
