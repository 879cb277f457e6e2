// settings.server.connectionTimeout on a real socket: a request that moves no byte for that
// long loses its connection; slow but moving responses and idle keep-alive connections do not.
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { after, test } from 'node:test'
import { get } from '../process/helpers.js'
import { processApp } from './helpers.js'

async function listening (connectionTimeout: number) {
  const app = await processApp({ settings: { server: { connectionTimeout, shutdownTimeout: 200 } } })
  after(() => app.close())
  return new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
}

test('a handler that answers nothing for connectionTimeout loses its connection', async () => {
  const url = await listening(300)
  const started = Date.now()
  await assert.rejects(get(url.href, '/slow?ms=5000'), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET')
  const elapsed = Date.now() - started
  assert.ok(elapsed >= 300, `closed after ${elapsed} ms, before the timeout`)
  assert.ok(elapsed < 2_000, `closed after ${elapsed} ms`)
})

test('a slow response that keeps sending is not cut', async () => {
  const url = await listening(300)
  const res = await get(url.href, '/stream?chunks=8&every=100')
  assert.equal(res.status, 200)
  assert.equal(res.body.split('\n').filter(Boolean).length, 8)
})

test('a client that stops reading a large response loses its connection', async () => {
  const url = await listening(300)
  const size = 64 * 1024 * 1024
  const received = await new Promise<number>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    let bytes = 0
    socket.on('connect', () => {
      socket.write(`GET /big?mb=${size / 1024 / 1024} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
      // Read nothing for a while: the server's writes stall once the socket buffers are full.
      socket.pause()
      setTimeout(() => socket.resume(), 1_500)
    })
    socket.on('data', (chunk: Buffer) => { bytes += chunk.length })
    socket.on('error', () => {})
    socket.on('close', () => resolve(bytes))
    setTimeout(() => reject(new Error(`still open after 10 s, ${bytes} bytes read`)), 10_000).unref()
  })
  assert.ok(received < size, `read ${received} of ${size} bytes: the stalled connection was not closed`)
})

test('an idle keep-alive connection is left to keepAliveTimeout', async () => {
  const url = await listening(200)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  after(() => agent.destroy())
  const fetchOnce = () => new Promise<{ port: number | undefined, body: string }>((resolve, reject) => {
    request(url, { agent, path: '/' }, (res) => {
      const port = res.socket.localPort
      let body = ''
      res.on('data', (c) => { body += c })
      res.on('end', () => resolve({ port, body }))
    }).on('error', reject).end()
  })
  const first = await fetchOnce()
  await new Promise((resolve) => setTimeout(resolve, 800))
  const second = await fetchOnce()
  assert.equal(second.body, 'ok')
  assert.equal(second.port, first.port, 'the same connection served both requests')
})
