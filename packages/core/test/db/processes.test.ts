import assert from 'node:assert/strict'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { createApp, startSharedDatabase, DATABASE_URL_ENV } from '@tao/core'
import { freePort, tempProject } from './helpers.js'
import { startWorker, stopWorker, type Worker } from './processes.js'

async function post (address: string, text: string): Promise<string> {
  const res = await fetch(`${address}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })
  assert.equal(res.status, 201)
  return ((await res.json()) as { id: string }).id
}

test('two worker processes share the one store the primary started, through TAO_DATABASE_URL', async (t) => {
  const root = tempProject(t)
  const settings = (await createApp({ root, env: {} })).settings
  const shared = await startSharedDatabase(settings)
  assert.ok(shared)
  t.after(() => shared.close())
  assert.equal(shared.dir, join(root, 'var', 'db'))
  assert.equal(DATABASE_URL_ENV, 'TAO_DATABASE_URL')
  // Where the platform has unix sockets, the store listens on one in a directory only this user can open.
  const socket = process.platform === 'win32' ? undefined : decodeURIComponent(/^mongodb:\/\/(%2F[^/]+\.sock)\/\?directConnection=true$/.exec(shared.url)?.[1] ?? '')
  if (socket !== undefined) {
    assert.ok(statSync(socket).isSocket(), shared.url)
    assert.equal(statSync(dirname(socket)).mode & 0o777, 0o700)
  }
  const workers: Worker[] = []
  t.after(() => Promise.all(workers.map(stopWorker)))
  for (let i = 0; i < 2; i++) workers.push(await startWorker(root, { [DATABASE_URL_ENV]: shared.url }))
  const [a, b] = workers.map((w) => w.address!)
  assert.ok(a && b, workers.map((w) => w.output()).join('\n'))
  const id = await post(a, 'written by worker A')
  const res = await fetch(`${b}/notes/${id}`)
  assert.equal(res.status, 200, 'worker B reads what worker A wrote')
  assert.equal(((await res.json()) as { text: string }).text, 'written by worker A')
  assert.deepEqual(await Promise.all(workers.map(stopWorker)), [0, 0])
  await shared.close()
  assert.equal(existsSync(join(root, 'var', 'db', 'LOCK')), false)
  if (socket !== undefined) assert.equal(existsSync(dirname(socket)), false, 'the socket and its directory are removed')

  // The data stayed in the project's var/db.
  const app = await createApp({ root, env: {}, settings: { logLevel: 'silent' } })
  t.after(() => app.close())
  assert.equal((await app.inject(`/notes/${id}`)).json().text, 'written by worker A')
})

test('startSharedDatabase starts nothing when the settings name a MongoDB server', async (t) => {
  const root = tempProject(t)
  const app = await createApp({ root, env: {}, settings: { database: { url: 'mongodb://db.example.com:27017' } } })
  assert.equal(await startSharedDatabase(app.settings), null)
})

test('SIGTERM closes the client then the store: a restarted server opens var/db and has the data', async (t) => {
  const root = tempProject(t)
  const first = await startWorker(root, { TEST_SETTINGS: JSON.stringify({ logLevel: 'info' }) })
  t.after(() => stopWorker(first))
  assert.ok(first.address, first.output())
  // The log line and the address come through different writes: wait for the log line.
  const url = process.platform === 'win32' ? '127\\.0\\.0\\.1:\\d+' : '%2F\\S+%2Fmongodb\\.sock'
  const logged = new RegExp(`database: embedded store, data in ${join(root, 'var', 'db').replace(/[/\\]/g, '.')} \\(mongodb://${url}/`)
  for (let i = 0; i < 50 && !logged.test(first.output()); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  assert.match(first.output(), logged)
  const id = await post(first.address, 'before the reload')
  assert.equal(await stopWorker(first), 0)
  assert.equal(existsSync(join(root, 'var', 'db', 'LOCK')), false, 'the lock was released')

  const second = await startWorker(root)
  t.after(() => stopWorker(second))
  assert.ok(second.address, second.output())
  const res = await fetch(`${second.address}/notes/${id}`)
  assert.equal(((await res.json()) as { text: string }).text, 'before the reload')
})

test('a debug server (tao dev) stops with a clear message when the database is unreachable', async (t) => {
  const root = tempProject(t)
  const port = await freePort()
  const worker = await startWorker(root, {
    TAO_DEBUG: 'true',
    TAO_DATABASE_URL: `mongodb://admin:hunter22@127.0.0.1:${port}/`,
    TEST_SETTINGS: JSON.stringify({ database: { serverSelectionTimeoutMS: 400 } }),
  })
  assert.equal(worker.address, null, 'it never listens')
  assert.equal(await worker.exited, 1, 'and exits: nothing keeps the process alive')
  assert.match(worker.output(), new RegExp(`failed TAO_ERR_DB_UNREACHABLE: Could not reach the database at 127\\.0\\.0\\.1:${port} within 400 ms`))
  assert.doesNotMatch(worker.output(), /hunter22/)
})
