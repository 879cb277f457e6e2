import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, test } from 'node:test'
import { WebSocket } from 'ws'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

// The pin and buzzer machines are other processes (packages/cli/test/pipeline.test.ts runs all
// three); here nothing answers where they should be, so the page shows both down.
process.env.PIPELINE_PIN_URL = 'ws://127.0.0.1:9/pin/socket'
process.env.PIPELINE_BUZZER_URL = 'ws://127.0.0.1:9/buzzer/socket'

let app: TaoApp
let base: string
before(async () => {
  app = await createTestApp()
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
})
after(() => app.close())

test('the pipeline page shows the three stages, the machines down while they do not answer', async () => {
  const res = await app.inject(app.url('pipeline:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<section class="machine" id="pin" data-link="down">/)
  assert.match(res.body, /ws:\/\/127\.0\.0\.1:9\/buzzer\/socket/)
  const ready = await app.inject('/-/ready')
  assert.equal((ready.json() as { services: Record<string, string> }).services['pipeline:watch'], 'running', 'a machine that is down does not fail the service')
})

test("the page's socket starts with each machine's latest state, then relays the clock", async () => {
  const client = new WebSocket(base + app.url('pipeline:socket'))
  const got: Array<Record<string, unknown>> = []
  client.on('message', (data) => got.push(JSON.parse(String(data)) as Record<string, unknown>))
  try {
    await once(client, 'open')
    const deadline = Date.now() + 10_000
    while (!got.some((m) => typeof m.now === 'string') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(got.slice(0, 2), [{ source: 'pin', link: 'down' }, { source: 'buzzer', link: 'down' }])
    assert.ok(got.some((m) => typeof m.now === 'string'), 'a clock tick')
  } finally {
    client.close()
  }
})
