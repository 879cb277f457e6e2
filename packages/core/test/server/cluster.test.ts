// `tao start --workers N`: the primary forks, relays, replaces, reloads and drains workers.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { alive, fixture, get, readEvents, runTao, startTao, tempDir, until } from '../process/helpers.js'

const tmp = tempDir()
after(tmp.cleanup)

async function workerPids (address: string, expected: number): Promise<Set<number>> {
  const pids = new Set<number>()
  await until(async () => {
    pids.add(JSON.parse((await get(address, '/pid')).body).pid)
    return pids.size === expected
  }, 15_000, `${expected} workers answering`)
  return pids
}

test('workers: relay to the others, replace crashed ones (with backoff), restart all on SIGHUP, drain on SIGTERM', async () => {
  const file = join(tmp.dir, 'events.jsonl')
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), { TAO_TEST_EVENTS: file, TAO_TEST_SERVICES: 'alpha' })
  assert.match(tao.output(), /tao: serving http:\/\/127\.0\.0\.1:\d+ \(2 workers, primary pid \d+; SIGHUP restarts them one at a time\)/)
  const first = await workerPids(tao.address, 2)

  // 1. A relay message from one worker reaches the other, not the sender.
  const sender = JSON.parse((await get(tao.address, '/relay', { method: 'POST' })).body)
  assert.equal(sender.sent, true)
  await until(() => readEvents(file).some((e) => e.event === 'relayed'), 10_000, 'the relayed message')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const relayed = readEvents(file).filter((e) => e.event === 'relayed')
  assert.equal(relayed.length, 1, 'exactly one other worker got it')
  assert.ok(first.has(relayed[0]!.pid))
  assert.notEqual(String(relayed[0]!.pid), relayed[0]!.name, 'not echoed to the sender')

  // 2. A worker that dies is replaced.
  const crashed = JSON.parse((await get(tao.address, '/crash')).body).crashing as number
  await tao.waitFor(new RegExp(`worker \\d \\(pid ${crashed}\\) died \\(exit code 3\\); starting a new one`))
  let afterCrash = await workerPids(tao.address, 2)
  assert.ok(!afterCrash.has(crashed))

  // 3. One that keeps dying early is replaced after a growing delay (a crash loop never spins).
  for (let i = 0; i < 8 && !/keeps dying early/.test(tao.output()); i++) {
    const pid = JSON.parse((await get(tao.address, '/crash')).body).crashing as number
    await tao.waitFor(new RegExp(`\\(pid ${pid}\\) died`))
    afterCrash = await workerPids(tao.address, 2)
  }
  assert.match(tao.output(), /worker \d \(pid \d+\) died \(exit code 3\); starting a new one in 1000 ms \(it keeps dying early\)/)

  // 4. SIGHUP replaces every worker, one at a time.
  tao.child.kill('SIGHUP')
  await tao.waitFor(/tao: restart done/)
  const reloaded = await workerPids(tao.address, 2)
  for (const pid of afterCrash) assert.ok(!reloaded.has(pid), `old worker ${pid} was replaced`)
  await until(() => [...afterCrash].every((pid) => !alive(pid)), 10_000, 'old workers gone')

  // 5. SIGTERM drains them all: services stop, exit 0, no worker left.
  assert.equal(await tao.stop('SIGTERM'), 0)
  for (const pid of reloaded) assert.ok(!alive(pid), `worker ${pid} exited`)
  const stoppedBy = new Set(readEvents(file).filter((e) => e.event === 'stopped').map((e) => e.pid))
  for (const pid of reloaded) assert.ok(stoppedBy.has(pid), `worker ${pid} stopped its services`)
})

test('SIGTERM while a replacement worker is still booting: it is stopped at once, exit 0', async () => {
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'))
  const [victim] = await workerPids(tao.address, 2)
  process.kill(victim!, 'SIGKILL')
  await tao.waitFor(new RegExp(`\\(pid ${victim}\\) died \\(killed by SIGKILL\\); starting a new one`))
  // The replacement was just forked: it has not loaded the app, nor heard of any shutdown
  // message. The primary must not wait its whole stop timeout (80 s) for it.
  const started = Date.now()
  assert.equal(await tao.stop('SIGTERM', 25_000), 0, tao.output())
  assert.ok(Date.now() - started < 25_000)
})

test('workers: a worker that fails at first boot stops everything and the primary exits 1', async () => {
  const tao = runTao(['start', '--port', '0', '--workers', '2'], fixture('process'), { TAO_TEST_FAIL: 'alpha', TAO_TEST_SERVICES: 'alpha' })
  assert.equal(await tao.exited, 1)
  assert.match(tao.output(), /Service 'jobs:alpha' failed to start: alpha cannot reach its broker/)
  assert.match(tao.output(), /tao: Worker [12] failed to boot \(exit code 1\); its own error is printed above\./)
  assert.doesNotMatch(tao.output(), /tao: serving/)
})

test('--workers rejects a bad value with exit code 2', async () => {
  const tao = runTao(['start', '--workers', 'many'], fixture('process'))
  assert.equal(await tao.exited, 2)
  assert.match(tao.output(), /tao: Invalid value 'many' for --workers: expected a number of workers from 1 to 256, or 'auto' \(one per core\)\. \[TAO_ERR_CLI_INVALID_OPTION\]/)
})
