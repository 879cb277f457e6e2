import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

test('the site answers at /', async () => {
  const res = await app.inject('/')
  assert.equal(res.statusCode, 200)
})

test('the about page names the project', async () => {
  const res = await app.inject(app.url('home:about'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /About %project_name%/)
})
