import assert from 'node:assert/strict'
import { test } from 'node:test'
import { recordingLogger, records, testSettings, until } from '../../test/support/unit.js'
import { isTaoError, taoError } from '../errors/index.js'
import { Channels } from '../websocket/channels.js'
import { createMemoryTransport } from '../websocket/transport.js'
import { ServiceManager } from './lifecycle.js'
import { periodic } from './periodic.js'
import { service, type ServiceContext } from './service.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function manager (defs: Parameters<typeof records>[0], settings = {}) {
  const log = recordingLogger()
  const transport = createMemoryTransport()
  const channels = new Channels(transport)
  const m = new ServiceManager(records(defs), {
    settings: testSettings({ services: { stopTimeout: 300 }, ...settings }),
    log,
    db: () => { throw taoError('TAO_ERR_DB_NOT_READY', ['ctx.db']) },
    channels: () => channels,
  })
  return { m, log, transport }
}

test('services start concurrently, report running, and stop in reverse order', async () => {
  const events: string[] = []
  const step = (name: string, delay: number) => service(name, {
    async start () { events.push(`start ${name}`); await sleep(delay); events.push(`ready ${name}`) },
    async stop () { events.push(`stop ${name}`) },
  })
  const { m } = manager([step('a', 60), step('b', 10), step('c', 30)])
  await m.start()
  assert.deepEqual(events.slice(0, 3), ['start a', 'start b', 'start c'], 'all start before any is ready')
  assert.deepEqual(m.status().map((s) => [s.name, s.state]), [['app:a', 'running'], ['app:b', 'running'], ['app:c', 'running']])
  events.length = 0
  await m.stop()
  assert.deepEqual(events, ['stop c', 'stop b', 'stop a'])
  assert.deepEqual(m.status().map((s) => s.state), ['idle', 'idle', 'idle'])
})

test('when one fails to start, the started ones are stopped and the error names it and its cause', async () => {
  const events: string[] = []
  const ok = (name: string) => service(name, { start () { events.push(`start ${name}`) }, stop () { events.push(`stop ${name}`) } })
  const { m } = manager([ok('a'), service('broken', { async start () { await sleep(20); throw new Error('no route to broker') } }), ok('c')])
  await assert.rejects(m.start(), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_SERVICE_START_FAILED'))
    assert.match(err.message, /^Service 'app:broken' failed to start: no route to broker\. The services already started were stopped \(app:a, app:c\)\./)
    assert.equal((err.cause as Error).message, 'no route to broker')
    return true
  })
  assert.deepEqual(events, ['start a', 'start c', 'stop c', 'stop a'])
})

test('a start that takes longer than startTimeout fails the boot, and stop() is still called', async () => {
  const events: string[] = []
  const { m } = manager([service('slow', { startTimeout: 50, start: () => sleep(2_000), stop () { events.push('stopped') } })])
  await assert.rejects(m.start(), /Service 'app:slow' failed to start: start\(\) did not finish within 50 ms/)
  assert.deepEqual(events, ['stopped'])
})

test('a stop that hangs is abandoned after its timeout, and the others still stop', async () => {
  const events: string[] = []
  const { m, log } = manager([
    service('first', { start () {}, stop () { events.push('first') } }),
    service('stuck', { start () {}, stop: () => sleep(5_000), stopTimeout: 50 }),
  ])
  await m.start()
  await m.stop()
  assert.deepEqual(events, ['first'])
  assert.ok(log.lines.some((l) => l === 'warn: service app:stuck did not stop within 50 ms'), log.lines.join('\n'))
})

test('a crashed run() is logged, its instance stopped, and restarted with a growing delay', async () => {
  let runs = 0
  const stops: number[] = []
  const { m, log } = manager([service('worker', {
    restart: { delay: 20, maxDelay: 1_000 },
    async run (ctx) {
      runs++
      if (runs <= 3) throw new Error(`lost connection #${runs}`)
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
    },
    stop () { stops.push(runs) },
  })])
  await m.start()
  await until(() => runs === 4 && m.status()[0]!.state === 'running', 5_000, 'the fourth run')
  const crashes = log.lines.filter((l) => l.includes('crashed'))
  assert.deepEqual(crashes, [
    'error: service app:worker crashed: lost connection #1; restarting in 20 ms',
    'error: service app:worker crashed: lost connection #2; restarting in 40 ms',
    'error: service app:worker crashed: lost connection #3; restarting in 80 ms',
  ])
  assert.deepEqual(stops, [1, 2, 3], 'each crashed instance was stopped')
  assert.equal(m.status()[0]!.restarts, 3)
  assert.equal(m.status()[0]!.lastError, 'lost connection #3')
  await m.stop()
  assert.deepEqual(stops, [1, 2, 3, 4])
})

test('after maxRestarts crashes in a row the service is left failed', async () => {
  let runs = 0
  const { m, log } = manager([service('flaky', { restart: { delay: 10, maxRestarts: 2 }, async run () { runs++; throw new Error('nope') } })])
  await m.start()
  await until(() => m.status()[0]!.state === 'failed', 5_000, 'failed state')
  assert.equal(runs, 3)
  assert.ok(log.lines.includes('error: service app:flaky crashed: nope; it is not restarted again (restart policy)'))
  await m.stop()
  assert.equal(m.status()[0]!.state, 'idle')
})

test('restart: false leaves a crashed service failed at once; run() returning early is a crash', async () => {
  const { m } = manager([service('one-shot', { restart: false, async run () {} })])
  await m.start()
  await until(() => m.status()[0]!.state === 'failed', 5_000, 'failed state')
  assert.equal(m.status()[0]!.lastError, 'run() returned while the service was still meant to run')
  await m.stop()
})

test('the context gives the name, an abort signal, settings, channels, and the app\'s database', async () => {
  let seen: ServiceContext | undefined
  const { m, transport } = manager([service('probe', { start (ctx) { seen = ctx } })])
  const got: unknown[] = []
  transport.subscribe((group, payload) => got.push([group, payload]))
  await m.start()
  assert.ok(seen)
  assert.equal(seen.name, 'app:probe')
  assert.equal(seen.settings.services.stopTimeout, 300)
  assert.equal(seen.signal.aborted, false)
  seen.channels.publish('clock', 42)
  assert.deepEqual(got, [['clock', '42']])
  assert.throws(() => seen!.db, (err: unknown) => isTaoError(err, 'TAO_ERR_DB_NOT_READY'), 'ctx.db reads the app\'s database on access')
  await m.stop()
  assert.equal(seen.signal.aborted, true)
})

test('periodic services tick at their interval, log failing runs and keep going', async () => {
  let calls = 0
  const { m, log } = manager([periodic('tick', { every: 20, immediate: true }, () => { calls++; if (calls === 2) throw new Error('tick failed') })])
  await m.start()
  await until(() => calls >= 4, 5_000, 'four ticks')
  await m.stop()
  const after = calls
  await sleep(60)
  assert.equal(calls, after, 'no tick after stop')
  assert.ok(log.lines.includes('error: periodic service app:tick failed: tick failed'))
  assert.equal(m.status().length, 1)
})
