import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, test } from 'node:test'
import { WebSocket } from 'ws'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
let base: string
before(async () => {
  app = await createTestApp()
  // listen() starts the services too (createTestApp alone does not).
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
})
after(() => app.close())

test('the clock page renders the current time', async () => {
  const res = await app.inject(app.url('clock:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<time id="now" datetime="\d{4}-\d\d-\d\dT[\d:.]+Z"/)
})

test('the tick service runs and its ticks reach a websocket', async () => {
  const ready = await app.inject('/-/ready')
  assert.equal((ready.json() as { services: Record<string, string> }).services['clock:tick'], 'running')
  const client = new WebSocket(base + app.url('clock:socket'))
  try {
    const [data] = await once(client, 'message', { signal: AbortSignal.timeout(10_000) }) as [Buffer]
    const { now } = JSON.parse(data.toString()) as { now: string }
    assert.ok(Math.abs(Date.parse(now) - Date.now()) < 60_000, `a current time, got ${now}`)
  } finally {
    client.close()
  }
})
