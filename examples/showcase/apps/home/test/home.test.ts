import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
before(async () => { app = await createTestApp() })
after(() => app.close())

test('the home page welcomes the visitor and links to every app', async () => {
  const res = await app.inject(app.url('home:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /Welcome to the tao showcase/)
  for (const name of ['blog:index', 'chat:index', 'clock:index'] as const) {
    assert.ok(res.body.includes(`href="${app.url(name)}"`), `a link to ${name}`)
  }
})
