// Regression for #12: the crash policy, signals and supervision, on real `tao start` processes.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { alive, fixture, get, startTao, tempDir, until } from '../process/helpers.js'

const quiet = { TAO_TEST_SERVICES: 'alpha' }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

for (const [route, kind, message] of [['/throw-later', 'uncaught exception', 'boom from a timer'], ['/reject-later', 'unhandled rejection', 'nobody caught this']] as const) {
  test(`an ${kind} is logged with the route that started it and the requests in flight, they finish, and the process exits 1`, async () => {
    const tao = await startTao(['start', '--port', '0'], fixture('process'), quiet)
    const slow = get(tao.address, '/slow?ms=1000')
    await sleep(100)
    assert.equal((await get(tao.address, route)).status, 200)
    const res = await slow
    assert.equal(res.status, 200, 'a request in flight at the crash is answered')
    assert.equal(res.body, 'done')
    assert.equal(await tao.exited, 1)
    // The route whose handler started the failing timer, then the requests in flight.
    assert.match(tao.output(), new RegExp(`${kind}: ${message} \\(started by GET ${route}; requests in flight: GET /slow\\)`))
  })
}

test('with server.crashContext off, the crash line names no route (the handlers ran outside any context)', async () => {
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { ...quiet, TAO_TEST_CRASH_CONTEXT: '0' })
  assert.equal((await get(tao.address, '/throw-later')).status, 200)
  assert.equal(await tao.exited, 1)
  assert.match(tao.output(), /uncaught exception: boom from a timer/)
  assert.doesNotMatch(tao.output(), /started by/)
})

test("unhandledRejection: 'log' logs the rejection and keeps serving", async () => {
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { ...quiet, TAO_TEST_UNHANDLED: 'log' })
  try {
    assert.equal((await get(tao.address, '/reject-later')).status, 200)
    await tao.waitFor(/unhandled rejection \(logged and ignored: settings.server.unhandledRejection is 'log'\): nobody caught this \(started by GET \/reject-later\)/, 10_000)
    assert.equal((await get(tao.address, '/')).status, 200)
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
})

test('SIGUSR2 kills neither a single process nor a cluster primary', async () => {
  for (const args of [[], ['--workers', '2']]) {
    const tao = await startTao(['start', '--port', '0', ...args], fixture('process'), quiet)
    try {
      tao.child.kill('SIGUSR2')
      // Node's default would have killed it by now.
      await sleep(500)
      assert.equal((await get(tao.address, '/')).status, 200)
      assert.ok(alive(tao.child.pid!))
    } finally {
      assert.equal(await tao.stop('SIGTERM'), 0)
    }
  }
})

test('with workers, a worker that crashes is replaced and the others serve on', async () => {
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), quiet)
  try {
    const crashed = JSON.parse((await get(tao.address, '/throw-later')).body).throwing as number
    await tao.waitFor(new RegExp(`worker \\d \\(pid ${crashed}\\) died \\(exit code 1\\); starting a new one`), 15_000)
    for (let i = 0; i < 4; i++) assert.equal((await get(tao.address, '/')).status, 200)
    assert.match(tao.output(), /uncaught exception: boom from a timer/)
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
})

test('a crash loop (workers that cannot stay up) makes the primary exit 1 saying why', async () => {
  const { dir, cleanup } = tempDir()
  try {
    const flag = join(dir, 'die')
    const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), { ...quiet, TAO_TEST_DIE_FLAG: flag })
    writeFileSync(flag, '')
    const timer = setTimeout(() => tao.child.kill('SIGKILL'), 60_000)
    const code = await tao.exited
    clearTimeout(timer)
    assert.equal(code, 1, tao.output())
    assert.match(tao.output(), /crash loop: 5 worker exits within 60 s and no worker stays up/)
  } finally {
    cleanup()
  }
})

test('workerMaxMemory: a worker past it is replaced by a new one, which listens before the old one drains', async () => {
  const tao = await startTao(['start', '--port', '0', '--workers', '1'], fixture('process'), { ...quiet, TAO_TEST_WORKER_MAX_MEMORY: '300mb' })
  try {
    const { pid } = JSON.parse((await get(tao.address, '/grow?mb=400')).body) as { pid: number }
    await tao.waitFor(new RegExp(`worker 1 \\(pid ${pid}\\) uses \\d+ MB \\(settings.server.workerMaxMemory 300 MB\\): replacing it`), 15_000)
    await until(() => !alive(pid), 30_000, 'the old worker to exit')
    const now = JSON.parse((await get(tao.address, '/pid')).body) as { pid: number }
    assert.notEqual(now.pid, pid)
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
})

test('a drain cut at shutdownTimeout logs the routes still running and exits 1', async () => {
  const tao = await startTao(['start', '--port', '0'], fixture('process'), { ...quiet, TAO_TEST_SHUTDOWN_TIMEOUT: '500ms' })
  const stuck = get(tao.address, '/slow?ms=20000').catch((err: NodeJS.ErrnoException) => err.code)
  await sleep(200)
  tao.child.kill('SIGTERM')
  assert.equal(await tao.exited, 1)
  assert.equal(await stuck, 'ECONNRESET')
  assert.match(tao.output(), /1 request\(s\) still running after 500 ms were cut \(settings.server.shutdownTimeout\): GET \/slow/)
})
