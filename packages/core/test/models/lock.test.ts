import assert from 'node:assert/strict'
import { test } from 'node:test'
import { migrate, type TaoError } from '@tao/core'
import { modelsApp } from './helpers.js'

test('a lock left by a dead run is taken over once stale; a live one makes migrate wait, then fail naming its holder', async (t) => {
  const app = await modelsApp(t)
  const locks = app.db.collection<{ _id: string, owner: string, expiresAt: Date }>('tao_migrations_lock')
  await locks.insertOne({ _id: 'migrate', owner: 'dead-host:1:x', expiresAt: new Date(Date.now() - 1000) })
  const report = await migrate(app)
  assert.ok(report.indexes.ensured.includes('blog:posts.slug_1'))
  assert.equal(await locks.countDocuments(), 0, 'taken over, then released')

  await locks.insertOne({ _id: 'migrate', owner: 'busy-host:2:y', expiresAt: new Date(Date.now() + 60_000) })
  const started = Date.now()
  await assert.rejects(migrate(app, { lock: { wait: 600 } }), (err: TaoError) =>
    err.code === 'TAO_ERR_MIGRATION_LOCKED' && err.message.includes('(busy-host:2:y)'))
  assert.ok(Date.now() - started >= 500, 'it waited for the holder first')
  assert.equal((await locks.findOne({ _id: 'migrate' }))?.owner, 'busy-host:2:y', "another run's lock is left alone")
})
