// Shutdown and rolling restart under load from autocannon (100 connections): no request the
// server accepted may fail. Figures go to the test's diagnostics (run with --slow).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeLoad, underLoad } from '../process/load.js'
import { alive, fixture, get, startTao, until } from '../process/helpers.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const quiet = { TAO_TEST_SERVICES: 'alpha', TAO_LOG_LEVEL: 'error' }

test('SIGTERM under load: in-flight and already-accepted requests all succeed, exit 0', async (t) => {
  const tao = await startTao(['start', '--port', '0'], fixture('process'), quiet)
  let code: number | null = null
  const r = await underLoad({ url: `${tao.address}/slow?ms=20`, allowRefused: true }, async () => {
    await sleep(2_000)
    tao.child.kill('SIGTERM')
    code = await tao.exited
  })
  t.diagnostic(describeLoad('SIGTERM, one process', r))
  assert.equal(code, 0)
  assert.ok(r.ok > 500, `the load ran (${r.ok} answered)`)
  assert.equal(r.failed, 0, JSON.stringify(r))
})

test('SIGHUP under load with two workers: every worker replaced, no failed request', async (t) => {
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), quiet)
  try {
    const before = new Set<number>()
    await until(async () => { before.add(JSON.parse((await get(tao.address, '/pid')).body).pid); return before.size === 2 }, 15_000, 'both workers')
    const restarts = (tao.output().match(/tao: restart done/g) ?? []).length
    const r = await underLoad({ url: `${tao.address}/slow?ms=20` }, async () => {
      await sleep(2_000)
      tao.child.kill('SIGHUP')
      await until(() => (tao.output().match(/tao: restart done/g) ?? []).length > restarts, 60_000, 'the rolling restart')
      await sleep(1_000)
    })
    t.diagnostic(describeLoad('SIGHUP, two workers', r))
    assert.ok(r.ok > 500, `the load ran (${r.ok} answered)`)
    assert.equal(r.failed, 0, JSON.stringify(r))
    for (const pid of before) assert.ok(!alive(pid), `old worker ${pid} exited`)
    const after = new Set<number>()
    await until(async () => { after.add(JSON.parse((await get(tao.address, '/pid')).body).pid); return after.size === 2 }, 15_000, 'both new workers')
    for (const pid of after) assert.ok(!before.has(pid))
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
})

test('SIGTERM under load with two workers: the primary drains them all, exit 0', async (t) => {
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), quiet)
  let code: number | null = null
  const r = await underLoad({ url: `${tao.address}/slow?ms=20`, allowRefused: true }, async () => {
    await sleep(2_000)
    tao.child.kill('SIGTERM')
    code = await tao.exited
  })
  t.diagnostic(describeLoad('SIGTERM, two workers', r))
  assert.equal(code, 0)
  assert.ok(r.ok > 500, `the load ran (${r.ok} answered)`)
  assert.equal(r.failed, 0, JSON.stringify(r))
})
