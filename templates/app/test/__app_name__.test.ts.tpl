import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

test('the %app_name% index page answers', async () => {
  const res = await app.inject(app.url('%app_name%:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /%app_name%/)
})
