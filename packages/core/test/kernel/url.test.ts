import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTaoError, render, url } from '@tao/core'
import { createTestApp } from '@tao/core/testing'
import { fixture } from './helpers.js'

test('the exported url() needs a served app, then reverses against it until it closes', async () => {
  assert.throws(() => url('blog:index'), (err: unknown) => isTaoError(err, 'TAO_ERR_APP_NOT_STARTED') && /url\(\) needs a running tao app/.test(err.message))
  const app = await createTestApp({ root: fixture('basic'), env: {} })
  assert.equal(url('blog:post', { slug: 'a b' }), '/blog/post/a%20b')
  await app.close()
  assert.throws(() => url('blog:index'), (err: unknown) => isTaoError(err, 'TAO_ERR_APP_NOT_STARTED'))
})

test('the exported render() renders with the served app, and needs one', async () => {
  assert.throws(() => render('base'), (err: unknown) => isTaoError(err, 'TAO_ERR_APP_NOT_STARTED') && /render\(\) needs a running tao app/.test(err.message))
  const app = await createTestApp({ root: fixture('login'), env: {} })
  try {
    assert.match(render('accounts:account', { title: 'T', user: { username: '<ada>' } }), /<p>Username: &lt;ada&gt;<\/p>/)
  } finally {
    await app.close()
  }
})
