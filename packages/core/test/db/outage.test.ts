import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import { isTaoError } from '@tao/core'
import { freePort, json, notesApp, until } from './helpers.js'

// Short, so an outage answers quickly; the default is 5 s.
const database = (url: string) => ({ url, serverSelectionTimeoutMS: 400 })

test('database down: its routes answer 503 by Accept, others 200; back on the same port: requests succeed again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tao-outage-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const port = await freePort()
  let server = await startEmbeddedMongo({ dir, port })
  t.after(() => server.close())
  const prod = await notesApp(undefined, { database: database(server.uri) })
  const dev = await notesApp(undefined, { debug: true, database: database(server.uri) })
  t.after(() => Promise.all([prod.close(), dev.close()]))
  const { id } = (await prod.inject({ method: 'POST', url: '/notes', payload: { text: 'survives' } })).json() as { id: string }
  await dev.ready()

  await server.close()
  const down = await prod.inject({ url: `/notes/${id}`, headers: json })
  assert.equal(down.statusCode, 503)
  assert.deepEqual(down.json(), { statusCode: 503, error: 'Service Unavailable', message: 'The service is temporarily unavailable. Please try again shortly.' })
  const page = await prod.inject(`/notes/${id}`)
  assert.equal(page.statusCode, 503)
  assert.match(page.headers['content-type'] as string, /^text\/html/)
  assert.match(page.body, /<h1>503 Service Unavailable<\/h1>/)
  assert.equal((await prod.inject('/ping')).statusCode, 200, 'routes without the database keep answering')
  const explained = await dev.inject({ url: '/count', headers: json })
  assert.equal(explained.statusCode, 503)
  assert.equal(explained.json().code, 'TAO_ERR_DB_UNAVAILABLE')
  assert.match(explained.json().message, new RegExp(`The database at 127\\.0\\.0\\.1:${port} is unavailable \\(Mongo\\w+Error: `))

  server = await startEmbeddedMongo({ dir, port })
  await until(async () => (await prod.inject(`/notes/${id}`)).statusCode === 200, 20_000, 'the app to use the restarted database')
  assert.equal((await prod.inject(`/notes/${id}`)).json().text, 'survives', 'the data survived the restart')
  await until(async () => (await dev.inject('/count')).statusCode === 200, 20_000, 'the debug app to recover')
})

test('unreachable at start with requireOnStart (tao dev): ready() fails naming the host, never the password', async (t) => {
  const port = await freePort()
  const app = await notesApp(undefined, { debug: true, database: database(`mongodb://admin:hunter22@127.0.0.1:${port}/?directConnection=true`) })
  t.after(() => app.close())
  await assert.rejects(app.ready(), (err: unknown) => {
    assert.ok(isTaoError(err, 'TAO_ERR_DB_UNREACHABLE'), String(err))
    assert.equal(err.statusCode, 500)
    assert.match(err.message, new RegExp(`Could not reach the database at 127\\.0\\.0\\.1:${port} within 400 ms \\(MongoServerSelectionError: .*ECONNREFUSED`))
    assert.match(err.message, /requireOnStart: false/)
    assert.doesNotMatch(err.message, /hunter22/)
    return true
  })
})

test('unreachable at start in production: the app starts, answers 503, and uses the database once it comes up', async (t) => {
  const port = await freePort()
  const url = `mongodb://admin:hunter22@127.0.0.1:${port}/?directConnection=true&authSource=admin`
  const prod = await notesApp(undefined, { database: database(url) })
  const debugNotRequired = await notesApp(undefined, { debug: true, database: { ...database(url), requireOnStart: false } })
  t.after(() => Promise.all([prod.close(), debugNotRequired.close()]))
  await prod.ready()
  await debugNotRequired.ready()
  assert.equal((await prod.inject('/ping')).statusCode, 200)
  assert.equal((await prod.inject({ url: '/count', headers: json })).statusCode, 503)
  const shown = await debugNotRequired.inject({ url: '/count', headers: json })
  assert.equal(shown.statusCode, 503)
  assert.match(shown.json().message, new RegExp(`127\\.0\\.0\\.1:${port}`))
  assert.doesNotMatch(shown.body, /hunter22/)

  // The embedded store has no users: the same app without credentials comes back on it.
  const plain = await notesApp(undefined, { database: database(`mongodb://127.0.0.1:${port}/?directConnection=true`) })
  t.after(() => plain.close())
  await plain.ready()
  assert.equal((await plain.inject({ url: '/count', headers: json })).statusCode, 503)
  const server = await startEmbeddedMongo({ port })
  t.after(() => server.close())
  await until(async () => (await plain.inject('/count')).statusCode === 200, 20_000, 'the app to connect once the database is up')
  assert.deepEqual((await plain.inject('/count')).json(), { count: 0, db: 'notes' })
})
