import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { EmbeddedMongoError, startEmbeddedMongo } from '../../src/index.js'
import { openStore, tempDir } from './helpers.js'

function journalOf (dir: string): string {
  const name = readdirSync(dir).find((f) => /^journal-\d+\.log$/.test(f))
  assert.ok(name, 'a journal file exists')
  return join(dir, name)
}

async function seed (dir: string, count: number): Promise<void> {
  const store = await openStore(dir)
  await store.client.db('app').collection('c').insertMany(Array.from({ length: count }, (_, i) => ({ _id: i })) as never[])
  await store.close()
}

async function ids (dir: string): Promise<number[]> {
  const store = await openStore(dir)
  const docs = await store.client.db('app').collection('c').find().toArray()
  await store.close()
  return docs.map((d) => d._id as unknown as number)
}

describe('storage: damaged files', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeEach(async () => { ({ dir, cleanup } = await tempDir()) })
  afterEach(async () => { await cleanup() })

  it('ignores and truncates a torn final record', async () => {
    await seed(dir, 3)
    const journal = journalOf(dir)
    const size = statSync(journal).size
    // A record header promising 200 bytes, followed by only part of them: a write cut by a crash.
    const torn = Buffer.alloc(40)
    torn.writeUInt32LE(200, 0)
    appendFileSync(journal, torn)
    assert.deepEqual(await ids(dir), [0, 1, 2])
    assert.equal(statSync(journal).size, size)
  })

  it('ignores a final record whose checksum does not match', async () => {
    await seed(dir, 3)
    const journal = journalOf(dir)
    const bytes = readFileSync(journal)
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0xff
    writeFileSync(journal, bytes)
    assert.deepEqual(await ids(dir), [0, 1])
  })

  it('keeps a copy aside when damage is followed by intact records, and warns', async () => {
    await seed(dir, 5)
    const journal = journalOf(dir)
    const bytes = readFileSync(journal)
    // Records are written in order: corrupt one in the middle (the 3rd of 6: create + 5 puts).
    let at = 0
    for (let i = 0; i < 3; i++) at += 8 + bytes.readUInt32LE(at)
    bytes[at + 12] = (bytes[at + 12] ?? 0) ^ 0xff
    writeFileSync(journal, bytes)
    const warnings: string[] = []
    const server = await startEmbeddedMongo({ dir, log: (msg) => warnings.push(msg) })
    await server.close()
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /has a damaged record at byte \d+; \d+ bytes after it were dropped and a copy of the whole file was kept in .*\.damaged-\d+/)
    assert.ok(readdirSync(dir).some((f) => f.includes('.damaged-')))
    assert.deepEqual(await ids(dir), [0, 1])
  })

  it('refuses a damaged snapshot with TAO_ERR_EMBEDDED_CORRUPT', async () => {
    writeFileSync(join(dir, 'snapshot.tdb'), Buffer.from('not a snapshot at all'))
    await assert.rejects(startEmbeddedMongo({ dir }), (err: EmbeddedMongoError) => {
      assert.equal(err.code, 'TAO_ERR_EMBEDDED_CORRUPT')
      assert.ok(err.message.startsWith(`The embedded database snapshot ${join(dir, 'snapshot.tdb')} is damaged`))
      assert.match(err.message, /Restore the directory from a backup, or move it away to start empty/)
      return true
    })
    // The failed start released the lock.
    assert.equal(readdirSync(dir).includes('LOCK'), false)
  })
})
