import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { embeddedErrorCodes } from '@tao/embedded-mongo'
import { codes, isTaoError, type Db, type Request } from '@tao/core'
import { json, notesApp, tempProject } from './helpers.js'

test('handlers read and write through req.db; the data lives in <project>/var/db', async (t) => {
  const root = tempProject(t)
  const app = await notesApp(root)
  t.after(() => app.close())
  const created = await app.inject({ method: 'POST', url: '/notes', payload: { text: 'first' } })
  assert.equal(created.statusCode, 201)
  const { id } = created.json() as { id: string }
  const read = await app.inject({ url: `/notes/${id}`, headers: json })
  assert.equal(read.statusCode, 200)
  assert.deepEqual(read.json(), { id, text: 'first' })
  assert.deepEqual((await app.inject('/count')).json(), { count: 1, db: 'notes' })
  assert.ok(existsSync(join(root, 'var', 'db', 'LOCK')), 'the store owns var/db while the app runs')
})

test('app.db and app.mongo: the same database as req.db, after ready(); before, a clear error', async (t) => {
  const app = await notesApp(tempProject(t))
  t.after(() => app.close())
  assert.throws(() => app.db, (err: unknown) => isTaoError(err, 'TAO_ERR_DB_NOT_READY') && /app\.db is not available yet.*await app\.ready\(\)/.test(err.message))
  assert.throws(() => app.mongo, (err: unknown) => isTaoError(err, 'TAO_ERR_DB_NOT_READY') && /app\.mongo/.test(err.message))
  await app.ready()
  const db: Db = app.db
  assert.equal(db.databaseName, 'notes')
  const { insertedId } = await db.collection('notes').insertOne({ text: 'from a script' })
  const res = await app.inject(`/notes/${insertedId.toHexString()}`)
  assert.equal(res.json().text, 'from a script')
  assert.equal(app.mongo.db('notes').databaseName, 'notes')
  assert.equal(app.db, app.db, 'one Db object, not one per access')
})

test('close releases var/db: a restarted app on the same project opens it and finds the data', async (t) => {
  const root = tempProject(t)
  const first = await notesApp(root)
  const { id } = (await first.inject({ method: 'POST', url: '/notes', payload: { text: 'kept' } })).json() as { id: string }
  await first.close()
  assert.equal(existsSync(join(root, 'var', 'db', 'LOCK')), false, 'the lock file is gone after close')
  const second = await notesApp(root)
  t.after(() => second.close())
  const res = await second.inject(`/notes/${id}`)
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().text, 'kept')
})

test('a second app on a project whose store is open fails to start with TAO_ERR_EMBEDDED_LOCKED', async (t) => {
  const root = tempProject(t)
  const first = await notesApp(root)
  t.after(() => first.close())
  await first.ready()
  const second = await notesApp(root)
  await assert.rejects(second.ready(), (err: unknown) => isTaoError(err, 'TAO_ERR_EMBEDDED_LOCKED') && err.statusCode === 500 && /TAO_DATABASE_URL/.test(err.message))
  await second.close()
  assert.equal((await first.inject('/count')).statusCode, 200, 'the first app is unaffected')
})

test("database.url 'memory' keeps nothing on disk", async (t) => {
  const root = tempProject(t)
  const app = await notesApp(root, { database: { url: 'memory' } })
  t.after(() => app.close())
  assert.equal((await app.inject({ method: 'POST', url: '/notes', payload: { text: 'x' } })).statusCode, 201)
  assert.equal(existsSync(join(root, 'var')), false)
})

test('requests that do not read req.db never touch the database; req.db is there on any request', async (t) => {
  const app = await notesApp(undefined, { database: { url: 'memory' } })
  t.after(() => app.close())
  // Like the static files: a sibling context outside the pages, registered at the root.
  await app.fastify.register(async function staticLike (scope) {
    scope.get('/static-like/site.css', async (_req, reply) => reply.type('text/css').send('body{}'))
    scope.get('/static-like/db-name', async (req) => req.db.databaseName)
  })
  await app.ready()
  let checkouts = 0
  app.mongo.on('connectionCheckOutStarted', () => { checkouts++ })
  for (let i = 0; i < 5; i++) assert.equal((await app.inject('/static-like/site.css')).statusCode, 200)
  assert.equal((await app.inject('/ping')).body, 'pong')
  assert.equal((await app.inject('/static-like/db-name')).body, 'notes')
  assert.equal(checkouts, 0, 'no connection was checked out')
  await app.inject('/count')
  assert.ok(checkouts > 0, 'a route that reads the database checks out a connection')
})

test('a malformed database URL fails at boot, without showing its password', async () => {
  await assert.rejects(notesApp(undefined, { database: { url: 'mongo://admin:hunter22@db.example.com/x' } }), (err: unknown) =>
    isTaoError(err, 'TAO_ERR_DB_URL_INVALID') && /Invalid database URL 'mongo|not a mongodb/.test(err.message) && !err.message.includes('hunter22'))
  await assert.rejects(notesApp(undefined, { database: { url: 'mongodb+srv://admin:hunter22@db.example.com:27017/x' } }), (err: unknown) =>
    isTaoError(err, 'TAO_ERR_DB_URL_INVALID') && err.message.includes("'mongodb+srv://admin:***@db.example.com:27017/x'") && /cannot have port/.test(err.message) && !err.message.includes('hunter22'))
})

test('requireOnStart defaults to debug: required under tao dev, not in production', async () => {
  const prod = await notesApp(undefined, { database: { url: 'memory' } })
  const dev = await notesApp(undefined, { debug: true, database: { url: 'memory' } })
  const forced = await notesApp(undefined, { database: { url: 'memory', requireOnStart: true } })
  assert.equal(prod.settings.database.requireOnStart, false)
  assert.equal(dev.settings.database.requireOnStart, true)
  assert.equal(forced.settings.database.requireOnStart, true)
  assert.equal(prod.settings.database.serverSelectionTimeoutMS, 5000)
  await Promise.all([prod.close(), dev.close(), forced.close()])
})

test("the generated project's .gitignore ignores var/ (the embedded store's data)", () => {
  const gitignore = readFileSync(new URL('../../../../templates/project/_gitignore', import.meta.url), 'utf8')
  assert.match(gitignore, /^var\/$/m)
})

test('the embedded store\'s error codes are registered in core (so they are TaoErrors and documented)', () => {
  const registered = Object.keys(codes).filter((c) => c.startsWith('TAO_ERR_EMBEDDED_'))
  assert.deepEqual(registered.sort(), [...embeddedErrorCodes].sort())
  for (const code of embeddedErrorCodes) assert.equal(codes[code].status, 500)
})

test('req.db is typed as the driver\'s Db where FastifyRequest is extended', () => {
  const handler = (req: Request): Db => {
    // @ts-expect-error req.db is a Db (not any): unknown members are compile errors
    req.db.noSuchMethod()
    return req.db
  }
  assert.equal(typeof handler, 'function')
})
