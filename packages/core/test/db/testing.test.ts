import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { createTestApp } from '@tao/core/testing'
import { freePort, tempProject } from './helpers.js'

test('createTestApp gives each app its own empty in-memory database', async (t) => {
  const root = tempProject(t)
  const one = await createTestApp({ root })
  const two = await createTestApp({ root })
  t.after(() => Promise.all([one.close(), two.close()]))
  await one.db.collection('notes').insertOne({ text: 'only in one' })
  assert.deepEqual((await one.inject('/count')).json(), { count: 1, db: 'notes' })
  assert.deepEqual((await two.inject('/count')).json(), { count: 0, db: 'notes' })
  assert.equal(existsSync(join(root, 'var')), false, 'nothing written to the project')
})

test('createTestApp ignores TAO_DATABASE_URL from the environment and .env, and the project database URL', async (t) => {
  const root = tempProject(t)
  const dead = `mongodb://127.0.0.1:${await freePort()}/`
  writeFileSync(join(root, '.env'), `TAO_DATABASE_URL=${dead}\n`)
  writeFileSync(join(root, 'settings.ts'), `import { defineSettings } from '@tao/core'\nexport default defineSettings({ database: { url: '${dead}', name: 'notes' } })\n`)
  const app = await createTestApp({ root, env: { TAO_DATABASE_URL: dead }, settings: { database: { serverSelectionTimeoutMS: 400 } } })
  t.after(() => app.close())
  assert.equal((await app.inject('/count')).statusCode, 200)
  assert.equal(app.settings.database.url, 'memory')
})

test('a fresh database per test stays cheap: twenty apps in a row, each starting empty', async (t) => {
  const root = tempProject(t)
  for (let i = 0; i < 20; i++) {
    const app = await createTestApp({ root })
    try {
      assert.equal(await app.db.collection('notes').countDocuments(), 0)
      await app.db.collection('notes').insertOne({ i })
    } finally {
      await app.close()
    }
  }
})

test('createTestApp uses an explicit database URL when a test asks for one', async (t) => {
  const dead = `mongodb://127.0.0.1:${await freePort()}/`
  const app = await createTestApp({ root: tempProject(t), settings: { database: { url: dead, serverSelectionTimeoutMS: 400 } } })
  t.after(() => app.close())
  assert.equal(app.settings.database.url, dead)
  assert.equal((await app.inject('/count')).statusCode, 503)
})
