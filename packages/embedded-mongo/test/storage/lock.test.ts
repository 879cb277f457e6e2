import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { EmbeddedMongoError, startEmbeddedMongo } from '../../src/index.js'
import { openStore, tempDir } from './helpers.js'

describe('storage: directory lock', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('writes a LOCK file with the pid and removes it at close', async () => {
    const server = await startEmbeddedMongo({ dir })
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid))
    await server.close()
    assert.equal(existsSync(join(dir, 'LOCK')), false)
  })

  it('refuses a second store on the same directory with TAO_ERR_EMBEDDED_LOCKED', async () => {
    const first = await startEmbeddedMongo({ dir })
    try {
      await assert.rejects(startEmbeddedMongo({ dir }), (err: EmbeddedMongoError) => {
        assert.ok(err instanceof EmbeddedMongoError)
        assert.equal(err.code, 'TAO_ERR_EMBEDDED_LOCKED')
        assert.ok(err.message.includes(`The embedded database in ${dir} is already in use by`))
        assert.ok(err.message.includes(`lock file ${join(dir, 'LOCK')}`))
        assert.match(err.message, /set TAO_DATABASE_URL to use another database\.$/)
        return true
      })
    } finally {
      await first.close()
    }
  })

  it('names the other process holding the lock', async () => {
    // A live process that is not us: the parent of the test runner.
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`)
    try {
      await assert.rejects(startEmbeddedMongo({ dir }), (err: EmbeddedMongoError) => {
        assert.equal(err.code, 'TAO_ERR_EMBEDDED_LOCKED')
        assert.ok(err.message.includes(`already in use by process ${process.ppid}`))
        assert.deepEqual(err.details, { dir, lockFile: join(dir, 'LOCK'), pid: process.ppid })
        return true
      })
    } finally {
      writeFileSync(join(dir, 'LOCK'), '')
    }
  })

  it('takes over a stale lock left by a dead process', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    writeFileSync(join(dir, 'LOCK'), `${dead.stdout}\n`)
    const store = await openStore(dir)
    await store.client.db('app').collection('c').insertOne({ ok: true })
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid))
    await store.close()
  })

  it('takes over a lock naming this pid that this process does not hold (pid reused after a restart)', async () => {
    writeFileSync(join(dir, 'LOCK'), `${process.pid}\n`)
    const server = await startEmbeddedMongo({ dir })
    await server.close()
    assert.equal(existsSync(join(dir, 'LOCK')), false)
  })

  it('reports an unusable directory with TAO_ERR_EMBEDDED_DIR', async () => {
    const file = join(dir, 'not-a-dir')
    writeFileSync(file, '')
    await assert.rejects(startEmbeddedMongo({ dir: join(file, 'db') }), (err: EmbeddedMongoError) => {
      assert.equal(err.code, 'TAO_ERR_EMBEDDED_DIR')
      assert.match(err.message, /cannot be created or written/)
      return true
    })
  })
})
