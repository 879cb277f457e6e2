// Regression for #13 (point 9): in production, with the database down at boot, a project with a
// `once: true` service starts: the service waits for the database (readiness false), the site
// serves and answers 503 on database routes; once the database is up the service starts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startEmbeddedMongo } from '@tao/embedded-mongo'
import { freePort, until } from '../db/helpers.js'
import { get } from '../process/helpers.js'
import { processApp } from '../server/helpers.js'

test('a once service waits for a database that is down at boot; the rest of the site serves', async (t) => {
  process.env.TAO_TEST_SERVICES = 'leader'
  t.after(() => { delete process.env.TAO_TEST_SERVICES })
  const port = await freePort()
  const app = await processApp({
    settings: {
      services: { enabled: true, leaseTtl: 1_000 },
      database: { url: `mongodb://127.0.0.1:${port}/?directConnection=true`, serverSelectionTimeoutMS: 300 },
    },
  })
  t.after(() => app.close())
  const address = await app.listen({ port: 0, host: '127.0.0.1' })

  assert.equal((await get(address, '/')).status, 200, 'routes without the database serve')
  const db = await get(address, '/db', { headers: { accept: 'application/json' } })
  assert.equal(db.status, 503)
  assert.equal(db.headers['retry-after'], '5')
  const ready = await get(address, '/-/ready')
  assert.equal(ready.status, 503)
  assert.equal(JSON.parse(ready.body).services['jobs:leader'], 'waiting')

  const store = await startEmbeddedMongo({ port })
  t.after(() => store.close())
  await until(async () => (await get(address, '/-/ready')).status === 200, 30_000, 'readiness once the database is up')
  assert.equal(JSON.parse((await get(address, '/-/ready')).body).services['jobs:leader'], 'running')
  assert.equal((await get(address, '/db')).status, 200)
})
