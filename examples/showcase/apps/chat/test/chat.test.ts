import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { WebSocket } from 'ws'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

let app: TaoApp
let base: string
before(async () => {
  app = await createTestApp()
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')
})
after(() => app.close())

interface ChatEvent { type: string, name?: string, text?: string, online?: number }

/** A websocket client that keeps what it receives, so no message is missed between waits. */
async function join () {
  const socket = new WebSocket(base + app.url('chat:socket'))
  const inbox: ChatEvent[] = []
  socket.on('message', (data) => inbox.push(JSON.parse(data.toString()) as ChatEvent))
  /** Removes and returns the first message of this type, waiting up to 10 s for it. */
  async function next (type: string): Promise<ChatEvent> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const i = inbox.findIndex((e) => e.type === type)
      if (i >= 0) return inbox.splice(i, 1)[0]!
      if (Date.now() > deadline) throw new Error(`no ${type} message within 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  await next('presence') // sent once this client has joined the channel
  return { socket, next }
}

test('the chat page loads its script from a static file', async () => {
  const res = await app.inject(app.url('chat:index'))
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /<script src="\/static\/chat\/chat\.js" defer><\/script>/)
  assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/)
})

test('a message from one browser reaches every connected browser, trimmed to the limits', async () => {
  const alice = await join()
  const bob = await join()
  try {
    const long = 'x'.repeat(600)
    alice.socket.send(JSON.stringify({ name: 'alice', text: `hi <b>bob</b> ${long}` }))
    const expected = { type: 'message', name: 'alice', text: `hi <b>bob</b> ${long}`.slice(0, 500) }
    assert.deepEqual(await bob.next('message'), expected)
    assert.deepEqual(await alice.next('message'), expected)
  } finally {
    alice.socket.close()
    bob.socket.close()
  }
})
