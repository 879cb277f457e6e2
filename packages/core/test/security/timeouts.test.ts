// Request and header timeouts are on by default, and a client that never finishes its headers
// (slow loris) is cut off.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, test } from 'node:test'
import { createTestApp } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

test('the server has non-zero request, header, keep-alive and connection timeouts by default', async () => {
  const app = await createTestApp({ root: fixture('safety') })
  after(() => app.close())
  const server = app.fastify.server
  assert.equal(server.requestTimeout, 30_000)
  assert.equal(server.headersTimeout, 20_000)
  assert.equal(server.keepAliveTimeout, 75_000)
  // Enforced by the connection tracker once listening (test/server/timeouts.test.ts).
  assert.equal(app.settings.server.connectionTimeout, 60_000)
})

test('a client that never finishes its headers gets 408 and is disconnected', async () => {
  const app = await createTestApp({ root: fixture('safety'), settings: { server: { requestTimeout: '2s', headersTimeout: '300ms' } } })
  after(() => app.close())
  const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port)
  const socket = connect(port, '127.0.0.1')
  after(() => socket.destroy())
  let received = ''
  socket.on('data', (c: Buffer) => { received += c })
  socket.write('GET /form HTTP/1.1\r\nHost: localhost\r\nX-Slow: ')
  const closed = await new Promise<boolean>((resolve) => {
    const bound = setTimeout(() => resolve(false), 20_000)
    socket.on('close', () => { clearTimeout(bound); resolve(true) })
  })
  assert.ok(closed, 'the connection was not closed')
  assert.match(received, /^HTTP\/1\.1 408 /)
})
