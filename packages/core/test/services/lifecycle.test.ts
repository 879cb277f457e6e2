// Services in a real `tao start` process: start order, failure at boot, crash and restart,
// reverse stop order on SIGTERM and SIGINT.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fixture, get, readEvents, runTao, startTao, tempDir, until } from '../process/helpers.js'

const tmp = tempDir()
after(tmp.cleanup)
let n = 0
const eventsFile = () => join(tmp.dir, `events-${++n}.jsonl`)
const names = (file: string, event: string) => readEvents(file).filter((e) => e.event === event).map((e) => e.name)

test('services start concurrently before the server listens, and stop in reverse order on SIGTERM', async () => {
  const file = eventsFile()
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { TAO_TEST_EVENTS: file })
  const lines = readEvents(file).map((e) => `${e.event} ${e.name}`)
  assert.deepEqual(lines.slice(0, 3), ['starting jobs:alpha', 'starting jobs:beta', 'starting jobs:gamma'], 'all three start before any is ready')
  assert.deepEqual(names(file, 'started').sort(), ['jobs:alpha', 'jobs:beta', 'jobs:gamma'], 'every service is ready when the server listens')
  assert.equal((await get(tao.address, '/')).body, 'ok')
  const ready = await get(tao.address, '/-/ready')
  assert.equal(ready.status, 200)
  assert.deepEqual(JSON.parse(ready.body), { status: 'ready', database: 'ok', services: { 'jobs:alpha': 'running', 'jobs:beta': 'running', 'jobs:gamma': 'running' } })
  assert.equal(await tao.stop('SIGTERM'), 0)
  assert.deepEqual(names(file, 'stopped'), ['jobs:gamma', 'jobs:beta', 'jobs:alpha'])
})

test('SIGINT shuts down the same way', async () => {
  const file = eventsFile()
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { TAO_TEST_EVENTS: file, TAO_TEST_SERVICES: 'alpha,gamma' })
  assert.equal(await tao.stop('SIGINT'), 0)
  assert.deepEqual(names(file, 'stopped'), ['jobs:gamma', 'jobs:alpha'])
})

test('a service that fails to start stops the started ones, and the process exits 1 naming it and the cause', async () => {
  const file = eventsFile()
  const tao = runTao(['start', '--port', '0'], fixture('process'), { TAO_TEST_EVENTS: file, TAO_TEST_FAIL: 'beta' })
  assert.equal(await tao.exited, 1)
  assert.match(tao.output(), /tao: Service 'jobs:beta' failed to start: beta cannot reach its broker\. The services already started were stopped \(jobs:alpha, jobs:gamma\)\..* \[TAO_ERR_SERVICE_START_FAILED\]/)
  assert.doesNotMatch(tao.output(), /tao: serving/, 'the server never listened')
  assert.deepEqual(names(file, 'started').sort(), ['jobs:alpha', 'jobs:gamma'])
  assert.deepEqual(names(file, 'stopped'), ['jobs:gamma', 'jobs:alpha'])
})

test('a service that crashes later is logged and restarted while the server keeps serving', async () => {
  const file = eventsFile()
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { TAO_TEST_EVENTS: file, TAO_TEST_SERVICES: 'gamma', TAO_TEST_CRASH: 'gamma' })
  await until(() => names(file, 'started').length === 2, 15_000, 'the restart of jobs:gamma')
  assert.deepEqual(names(file, 'stopped'), ['jobs:gamma'], 'the crashed instance was stopped first')
  const log = await tao.waitFor(/"service":"jobs:gamma".*"msg":"(service jobs:gamma crashed: gamma lost its connection; restarting in 100 ms)"/)
  assert.ok(log[1])
  assert.equal((await get(tao.address, '/')).status, 200)
  await until(async () => JSON.parse((await get(tao.address, '/-/ready')).body).services['jobs:gamma'] === 'running', 10_000, 'gamma running again')
  assert.equal(await tao.stop('SIGTERM'), 0)
  assert.equal(names(file, 'stopped').length, 2)
})

test('periodic services tick while the server runs', async () => {
  const file = eventsFile()
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { TAO_TEST_EVENTS: file, TAO_TEST_SERVICES: 'tick' })
  await until(() => names(file, 'tick').length === 3, 10_000, 'three ticks')
  assert.deepEqual(names(file, 'tick'), ['jobs:tick', 'jobs:tick', 'jobs:tick'])
  assert.equal(await tao.stop('SIGTERM'), 0)
})
