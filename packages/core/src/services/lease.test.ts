import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startEmbeddedMongo, type EmbeddedMongo } from '@tao/embedded-mongo'
import { MongoClient, type Db } from 'mongodb'
import { recordingLogger, records, testSettings, until } from '../../test/support/unit.js'
import { Channels } from '../websocket/channels.js'
import { createMemoryTransport } from '../websocket/transport.js'
import { Lease, LEASE_COLLECTION } from './lease.js'
import { ServiceManager } from './lifecycle.js'
import { service } from './service.js'

let server: EmbeddedMongo
let client: MongoClient
let db: Db

before(async () => {
  server = await startEmbeddedMongo()
  client = await new MongoClient(server.uri).connect()
  db = client.db('lease_test')
})
after(async () => {
  await client.close()
  await server.close()
})

test('one holder at a time: acquire, refuse, renew, release, take over', async () => {
  const a = new Lease(db, 'app:job', 'host:1:a', 10_000)
  const b = new Lease(db, 'app:job', 'host:2:b', 10_000)
  assert.equal(await a.acquire(), true)
  assert.equal(await b.acquire(), false, 'a live lease is refused')
  assert.equal(await a.acquire(), true, 'the holder may take it again')
  assert.equal(await a.renew(), true)
  assert.equal(await b.renew(), false, 'only the holder renews')
  const doc = await a.current()
  assert.equal(doc?.holder, 'host:1:a')
  assert.equal(doc?.pid, process.pid)
  assert.ok(doc!.expiresAt.getTime() > Date.now())
  await b.release()
  assert.equal((await a.current())?.holder, 'host:1:a', 'release by another is a no-op')
  await a.release()
  assert.equal(await a.current(), null)
  assert.equal(await b.acquire(), true, 'a released lease is taken at once')
  await b.release()
})

test('a lapsed lease is taken by another process; the old holder learns it lost it', async () => {
  const a = new Lease(db, 'app:lapse', 'host:1:a', 100)
  const b = new Lease(db, 'app:lapse', 'host:2:b', 100)
  assert.equal(await a.acquire(), true)
  await new Promise((resolve) => setTimeout(resolve, 150))
  assert.equal(await b.acquire(), true)
  assert.equal(await a.renew(), false)
  assert.equal(await db.collection(LEASE_COLLECTION).countDocuments({ _id: 'app:lapse' as never }), 1)
})

function processLike (events: string[], who: string) {
  return new ServiceManager(records([service('leader', {
    once: true,
    start () { events.push(`${who} leads`) },
    stop () { events.push(`${who} resigns`) },
  })]), {
    settings: testSettings({ services: { leaseTtl: 300, stopTimeout: 200 } }),
    log: recordingLogger(),
    db: () => db,
    channels: () => new Channels(createMemoryTransport()),
  })
}

test('a once service runs in exactly one of two managers, and the other takes over when it stops', async () => {
  const events: string[] = []
  const one = processLike(events, 'one')
  const two = processLike(events, 'two')
  await one.start()
  await two.start()
  assert.deepEqual(events, ['one leads'])
  assert.deepEqual(two.status().map((s) => s.state), ['standby'])
  await new Promise((resolve) => setTimeout(resolve, 700))
  assert.deepEqual(events, ['one leads'], 'the holder keeps renewing: no takeover')
  await one.stop()
  await until(() => events.includes('two leads'), 5_000, 'the takeover')
  assert.deepEqual(events, ['one leads', 'one resigns', 'two leads'])
  assert.deepEqual(two.status().map((s) => s.state), ['running'])
  await two.stop()
  assert.equal(await db.collection(LEASE_COLLECTION).countDocuments({ _id: 'app:leader' as never }), 0, 'released at stop')
})
