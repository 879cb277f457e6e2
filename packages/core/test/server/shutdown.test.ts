// Ordered, graceful shutdown of an app listening on a real socket.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { WebSocket } from 'ws'
import { get, until } from '../process/helpers.js'
import { processApp } from './helpers.js'

test('close() lets in-flight requests finish (with Connection: close), then refuses new connections', async () => {
  const app = await processApp()
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const slow = get(address, '/slow?ms=400')
  await new Promise((resolve) => setTimeout(resolve, 100))
  const closed = app.close()
  const res = await slow
  assert.equal(res.status, 200)
  assert.equal(res.body, 'done')
  assert.equal(res.headers.connection, 'close')
  await closed
  await assert.rejects(get(address, '/'), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED')
  assert.equal(app.phase, 'closed')
})

test('a keep-alive connection idle at shutdown is closed gently; a request on a busy one is still served', async () => {
  const app = await processApp()
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const { hostname, port } = new URL(address)
  // Two requests on one keep-alive connection: the second arrives while the app drains.
  const socketClosed = new Promise<void>((resolve, reject) => {
    const first = request({ host: hostname, port, path: '/slow?ms=300', headers: { connection: 'keep-alive' } }, (res) => {
      res.resume()
      res.on('end', () => {
        assert.equal(res.headers.connection, 'close', 'the response in flight at shutdown closes its connection')
        res.socket.once('close', () => resolve())
      })
    })
    first.on('error', reject)
    first.end()
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await Promise.all([app.close(), socketClosed])
})

test('requests still running after shutdownTimeout are cut, and close() still completes', async () => {
  const app = await processApp({ settings: { server: { shutdownTimeout: 200 } } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const stuck = get(address, '/slow?ms=10000')
  await new Promise((resolve) => setTimeout(resolve, 100))
  await app.close()
  await assert.rejects(stuck, (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET')
})

test('close hooks run in order: websockets, services, Fastify onClose, database; readiness is 503 from the start', async () => {
  const app = await processApp()
  const order: string[] = []
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  app.addCloseHook('database', 'db', () => { order.push('database') })
  app.addCloseHook('services', 'slow service', async () => { order.push('services'); await held })
  app.addCloseHook('websockets', 'ws', () => { order.push('websockets') })
  app.fastify.addHook('onClose', async () => { order.push('fastify onClose') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  assert.equal((await app.inject('/-/ready')).statusCode, 200)
  const closing = app.close()
  await until(() => order.includes('services'), 5_000, 'the services phase')
  const ready = await app.inject('/-/ready')
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(ready.json(), { status: 'shutting down' })
  assert.equal((await app.inject('/-/live')).statusCode, 200, 'still alive while draining')
  release()
  await closing
  assert.deepEqual(order, ['websockets', 'services', 'fastify onClose', 'database'])
  assert.equal(app.close(), closing, 'close() is idempotent')
})

test('a failing close hook is logged, the later phases still run, and close() rejects with it', async () => {
  const app = await processApp()
  const order: string[] = []
  app.addCloseHook('services', 'broken', () => { throw new Error('stop failed') })
  app.addCloseHook('database', 'db', () => { order.push('database') })
  await assert.rejects(app.close(), /stop failed/)
  assert.deepEqual(order, ['database'])
})

test('at shutdown, open websockets are closed with 1001 after requests drained and before services stop', async () => {
  const app = await processApp()
  const order: string[] = []
  app.addCloseHook('services', 'probe', () => { order.push('services') })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const socket = new WebSocket(`${address.replace('http', 'ws')}/echo`, { headers: { origin: address } })
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject) })
  const echoed = new Promise((resolve) => socket.once('message', (d) => resolve(d.toString())))
  socket.send('hello')
  assert.equal(await echoed, 'hello')
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => { order.push(`websocket ${code}`); resolve(code) }))
  const slow = get(address, '/slow?ms=300').then((r) => { order.push(`request ${r.status}`) })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await app.close()
  assert.equal(await closed, 1001)
  await slow
  assert.deepEqual(order, ['request 200', 'websocket 1001', 'services'])
})
