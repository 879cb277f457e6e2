import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { createClusterTransport, type IpcProcess, type RelayMessage } from './cluster-transport.js'
import { createMemoryTransport, resolveTransport, type ChannelPayload } from './transport.js'

/** A worker's IPC side: what it sends is recorded; `deliver` plays the primary relaying. */
function fakeWorker (pid: number): IpcProcess & { sent: RelayMessage[], deliver: (msg: unknown) => void } {
  const events = new EventEmitter()
  const sent: RelayMessage[] = []
  return {
    pid,
    connected: true,
    sent,
    on: (event: string, fn: (...args: unknown[]) => void) => events.on(event, fn),
    off: (event: string, fn: (...args: unknown[]) => void) => events.off(event, fn),
    send: ((msg: RelayMessage, _h: unknown, _o: unknown, cb: (err: Error | null) => void) => { sent.push(msg); cb(null); return true }) as never,
    deliver: (msg: unknown) => { events.emit('message', msg) },
  } as never
}

test('the memory transport hands each publish to every subscriber, until closed', () => {
  const transport = createMemoryTransport()
  const got: Array<[string, ChannelPayload]> = []
  transport.subscribe((group, payload) => got.push([group, payload]))
  transport.publish('a', 'one')
  transport.close() as void
  transport.publish('a', 'two')
  assert.deepEqual(got, [['a', 'one']])
})

test('the cluster transport delivers locally, relays through the primary, and ignores its own echo', () => {
  const a = fakeWorker(101)
  const b = fakeWorker(202)
  const ta = createClusterTransport(a)
  const tb = createClusterTransport(b)
  const gotA: Array<[string, ChannelPayload]> = []
  const gotB: Array<[string, ChannelPayload]> = []
  ta.subscribe((group, payload) => gotA.push([group, payload]))
  tb.subscribe((group, payload) => gotB.push([group, payload]))
  ta.publish('room', 'text')
  ta.publish('room', Buffer.from([1, 2, 255]))
  assert.deepEqual(a.sent, [
    { tao: 'relay', kind: 'channels', group: 'room', payload: 'text', origin: 101 },
    { tao: 'relay', kind: 'channels', group: 'room', payload: { base64: 'AQL/' }, origin: 101 },
  ])
  // The primary relays to b (and, were it buggy, back to a: ignored).
  for (const msg of a.sent) { b.deliver(msg); a.deliver(msg) }
  b.deliver({ tao: 'relay', kind: 'other', group: 'room', payload: 'x', origin: 9 })
  b.deliver('not a relay')
  assert.equal(gotA.length, 2)
  assert.deepEqual(gotB.map(([g, p]) => [g, typeof p === 'string' ? p : [...p]]), [['room', 'text'], ['room', [1, 2, 255]]])
  tb.close() as void
  b.deliver(a.sent[0])
  assert.equal(gotB.length, 2, 'nothing after close')
})

test('a worker whose primary is gone publishes locally only', () => {
  const w = fakeWorker(7)
  w.connected = false
  const t = createClusterTransport(w)
  let local = 0
  t.subscribe(() => { local++ })
  t.publish('g', 'x')
  assert.equal(local, 1)
  assert.equal(w.sent.length, 0)
})

test('resolveTransport: memory outside a cluster worker, coded errors for bad choices', () => {
  const memory = resolveTransport({ transport: 'auto' })
  let got = ''
  memory.subscribe((_g, p) => { got = String(p) })
  memory.publish('g', 'in-process')
  assert.equal(got, 'in-process')
  assert.throws(() => resolveTransport({ transport: 'cluster' }), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_TRANSPORT_INVALID') && /'cluster' needs a worker started by node:cluster/.test(err.message))
  assert.throws(() => resolveTransport({ transport: () => ({ publish () {} }) }), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_TRANSPORT_INVALID') && /returned object without subscribe, close/.test(err.message))
  assert.throws(() => resolveTransport({ transport: () => null }), (err: unknown) => isTaoError(err, 'TAO_ERR_WS_TRANSPORT_INVALID') && /returned null without publish/.test(err.message))
})
