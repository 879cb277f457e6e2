import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { BSON } from 'bson'
import { Store } from '../engine/store.js'
import { DiskStorage } from './disk-storage.js'
import { journalFile } from './files.js'
import { encodeRecord } from './records.js'

function ids (store: Store): unknown[] {
  return [...(store.collection('d', 'c')?.docs.values() ?? [])].map((e) => e.obj._id)
}

describe('storage/disk-storage', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tao-disk-')) })
  afterEach(() => { rmSync(dir, { recursive: true, force: true }) })

  it('compacts past the threshold into a snapshot and one new journal', async () => {
    const store = new Store()
    const storage = DiskStorage.open(dir, store, { compactBytes: 2048 })
    const coll = store.ensure('d', 'c')
    coll.addIndex({ v: 2, key: { k: 1 }, name: 'k_1', unique: true })
    for (let i = 0; i < 50; i++) {
      coll.insert({ _id: i, k: i, pad: 'p'.repeat(100) })
      await storage.writer.sync()
    }
    await storage.close()
    const files = readdirSync(dir).sort()
    assert.ok(files.includes('snapshot.tdb'))
    assert.deepEqual(files.filter((f) => f.startsWith('journal-')).length, 1)
    assert.notEqual(files.find((f) => f.startsWith('journal-')), 'journal-000001.log')

    const again = new Store()
    const reopened = DiskStorage.open(dir, again)
    assert.deepEqual(ids(again), Array.from({ length: 50 }, (_, i) => i))
    assert.deepEqual([...(again.collection('d', 'c')?.indexes.keys() ?? [])], ['k_1'])
    await reopened.close()
  })

  it('keeps the journal bounded under steady updates, compacting while writes are still buffered', async () => {
    const store = new Store()
    const storage = DiskStorage.open(dir, store, { compactBytes: 4096 })
    const coll = store.ensure('d', 'c')
    for (let i = 0; i < 20; i++) coll.insert({ _id: i, v: 0, pad: 'p'.repeat(100) })
    await storage.writer.sync()
    // Four writers, each waiting for its own write to be durable, as concurrent clients do:
    // a flush then nearly always ends with the others' records already buffered.
    let maxJournal = 0
    let written = 0
    const journalBytes = (): number => readdirSync(dir).filter((f) => f.startsWith('journal-')).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
    await Promise.all([0, 1, 2, 3].map(async (lane) => {
      for (let round = 1; round <= 300; round++) {
        const id = (round * 4 + lane) % 20
        const old = coll.docs.get(`n${id}`)
        assert.ok(old !== undefined)
        const entry = coll.replace(old, { _id: id, v: round, pad: 'p'.repeat(100) })
        written += entry.raw.length
        await storage.writer.sync()
        maxJournal = Math.max(maxJournal, journalBytes())
      }
    }))
    const finalState = [...coll.docs.values()].map((e) => e.obj)
    await storage.close()
    // 1,200 updates of ~140 bytes were journaled; the journal never held more than a few
    // thresholds' worth (the threshold is the larger of compactBytes and the snapshot).
    assert.ok(written > 150_000)
    assert.ok(maxJournal < 16_384, `the journal grew to ${maxJournal} bytes`)

    const again = new Store()
    const reopened = DiskStorage.open(dir, again)
    assert.deepEqual([...(again.collection('d', 'c')?.docs.values() ?? [])].map((e) => e.obj), finalState)
    await reopened.close()
  })

  it('counts the journal written before a restart towards compaction', async () => {
    const first = new Store()
    const before = DiskStorage.open(dir, first, { compactBytes: 1 << 30 })
    const coll = first.ensure('d', 'c')
    for (let i = 0; i < 10; i++) coll.insert({ _id: i, pad: 'p'.repeat(100) })
    await before.close()
    const journal = readdirSync(dir).find((f) => f.startsWith('journal-'))
    const size = statSync(join(dir, journal ?? '')).size
    assert.ok(size > 1000 && size < 2048, `journal of ${size} bytes`)

    // Below the threshold at the start; a few more writes pass it, counting the older bytes.
    const second = new Store()
    const after = DiskStorage.open(dir, second, { compactBytes: 2048 })
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('journal-')), [journal])
    const again = second.ensure('d', 'c')
    for (let i = 10; i < 20; i++) {
      again.insert({ _id: i, pad: 'p'.repeat(100) })
      await after.writer.sync()
    }
    await after.close()
    assert.ok(readdirSync(dir).includes('snapshot.tdb'), 'no compaction ran')
    assert.notDeepEqual(readdirSync(dir).filter((f) => f.startsWith('journal-')), [journal])
  })

  it('recovers from a compaction interrupted before the snapshot was renamed', async () => {
    const store = new Store()
    const storage = DiskStorage.open(dir, store)
    store.ensure('d', 'c').insert({ _id: 1 })
    await storage.close()
    // The state a crash leaves between "new journal created" and "snapshot renamed", with a
    // write already appended to the new journal.
    appendFileSync(journalFile(dir, 2), encodeRecord({ op: 'put', ns: 'd.c', raw: BSON.serialize({ _id: 2 }) }))

    const again = new Store()
    const reopened = DiskStorage.open(dir, again)
    assert.deepEqual(ids(again), [1, 2])
    again.ensure('d', 'c').insert({ _id: 3 })
    await reopened.close()
    const third = new Store()
    await DiskStorage.open(dir, third).close()
    assert.deepEqual(ids(third), [1, 2, 3])
  })
})
