// Issue 19 point 3: production logs one JSON line per request (method, path, status, time,
// request id), 5xx at 'error' with the stack, slow requests at 'warn' whatever the level, and
// a line still buffered when the process exits is written.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { fixture, startTao } from '../process/helpers.js'

interface Line { level: number, msg: string, reqId?: string, method?: string, url?: string, statusCode?: number, responseTime?: number, slow?: boolean, step?: string, err?: { stack: string } }

const root = fixture('logging')
const lines = (output: string): Line[] => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line)

test("logLevel 'info': one line per request, no 'incoming request', errors with their stack", async () => {
  const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: 'info' })
  for (const path of ['/', '/missing', '/fail', '/log']) await (await fetch(server.address + path)).arrayBuffer()
  assert.equal(await server.stop(), 0)
  const all = lines(server.output())
  const requests = all.filter((l) => l.url !== undefined)
  assert.deepEqual(requests.map((l) => [l.method, l.url, l.statusCode, l.msg]), [
    ['GET', '/', 200, 'request completed'],
    ['GET', '/missing', 404, 'request completed'],
    ['GET', '/fail', 500, 'request errored'],
    ['GET', '/log', 200, 'request completed'],
  ])
  for (const l of requests) {
    assert.match(l.reqId ?? '', /\S/)
    assert.equal(typeof l.responseTime, 'number')
  }
  assert.equal(new Set(requests.map((l) => l.reqId)).size, 4, 'a request id per request')
  assert.equal(all.filter((l) => /incoming request|not found/i.test(l.msg)).length, 0)
  const failed = requests[2]!
  assert.equal(failed.level, 50)
  const stack = all.find((l) => l.err !== undefined)
  assert.equal(stack?.reqId, failed.reqId)
  assert.match(stack?.err?.stack ?? '', /the handler failed/)
  // req.log carries the request id of its request.
  const inside = all.find((l) => l.step === 'inside')
  assert.equal(inside?.reqId, requests[3]!.reqId)
})

/** Sends `target` as the request target over a raw socket (fetch would normalise it); resolves the status line. */
function rawGet (address: string, target: Buffer): Promise<string> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(Buffer.concat([Buffer.from('GET '), target, Buffer.from(` HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`)]))
    })
    let text = ''
    socket.on('data', (c) => { text += c.toString('latin1') })
    socket.on('end', () => resolve(text.split('\r\n')[0]!))
    socket.on('error', reject)
  })
}

// (Node refuses bytes past ASCII and quotes in a request target with a 400 of its own.)
test('a URL with a character JSON escapes still makes a valid JSON line', async () => {
  const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: 'info' })
  const answers = [await rawGet(server.address, Buffer.from('/a\\b')), await rawGet(server.address, Buffer.from('/plain'))]
  assert.equal(await server.stop(), 0)
  assert.deepEqual(answers, ['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found'])
  const urls = lines(server.output()).filter((l) => l.url !== undefined).map((l) => l.url)
  assert.deepEqual(urls, ['/a\\b', '/plain'])
})

test("a route's own logLevel is kept: its debug lines are written at the project's 'info'", async () => {
  const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: 'info' })
  for (const path of ['/verbose', '/log']) await (await fetch(server.address + path)).arrayBuffer()
  assert.equal(await server.stop(), 0)
  const all = lines(server.output())
  const debug = all.filter((l) => l.level === 20)
  assert.deepEqual(debug.map((l) => l.step), ['debug'])
  assert.equal(debug[0]!.reqId, all.find((l) => l.url === '/verbose')?.reqId)
  assert.ok(all.find((l) => l.url === '/verbose')!.responseTime! >= 0)
})

test("logLevel 'warn': ordinary requests are not logged, slow ones and errors are", async () => {
  const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: 'warn' })
  for (const path of ['/', '/slow', '/fail']) await (await fetch(server.address + path)).arrayBuffer()
  assert.equal(await server.stop(), 0)
  const requests = lines(server.output()).filter((l) => l.url !== undefined)
  assert.deepEqual(requests.map((l) => [l.url, l.level, l.msg]), [
    ['/slow', 40, 'slow request'],
    ['/fail', 50, 'request errored'],
  ])
  assert.equal(requests[0]!.slow, true)
  assert.ok(requests[0]!.responseTime! >= 200)
})

test('a line still in the buffer when the process exits is written', async () => {
  const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: 'info' })
  await fetch(server.address + '/exit').catch(() => {})
  assert.equal(await server.exited, 0)
  assert.ok(lines(server.output()).some((l) => l.msg === 'last words'), server.output())
})

// The line is written from an onSend hook: with logging on, a response gets no 'finish' or
// 'error' listener more than with logging off (Fastify's, for its own request line, cost more
// than the line).
test('logging adds no listener to a response', async () => {
  const counts: Record<string, unknown> = {}
  for (const level of ['info', 'silent']) {
    const server = await startTao(['start', '--port', '0'], root, { TAO_LOG_LEVEL: level })
    counts[level] = await (await fetch(server.address + '/listeners')).json()
    assert.equal(await server.stop(), 0)
  }
  assert.deepEqual(counts.info, counts.silent)
})
