// A `once: true` service with two workers sharing a database: it runs in exactly one of them,
// and another process takes over within a few seconds when that one dies.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startEmbeddedMongo, type EmbeddedMongo } from '@tao/embedded-mongo'
import { alive, fixture, get, readEvents, startTao, tempDir, until } from '../process/helpers.js'

const tmp = tempDir()
let mongo: EmbeddedMongo
before(async () => { mongo = await startEmbeddedMongo() })
after(async () => {
  await mongo.close()
  tmp.cleanup()
})

test('once: exactly one worker leads; when it is killed another takes over', async () => {
  const file = join(tmp.dir, 'events.jsonl')
  const tao = await startTao(['start', '--port', '0', '--workers', '2'], fixture('process'), {
    TAO_TEST_EVENTS: file, TAO_TEST_SERVICES: 'leader', TAO_DATABASE_URL: mongo.uri, TAO_DATABASE_NAME: 'once_test',
  })
  try {
    const leading = () => readEvents(file).filter((e) => e.event === 'leading')
    await until(() => leading().length === 1, 10_000, 'a leader')
    const first = leading()[0]!.pid
    // Both workers answer; only one leads, through several lease periods (ttl 1.5 s).
    const pids = new Set<number>()
    await until(async () => { pids.add(JSON.parse((await get(tao.address, '/pid')).body).pid); return pids.size === 2 }, 10_000, 'both workers')
    assert.ok(pids.has(first))
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    assert.equal(leading().length, 1, 'no second leader while the first lives')
    const ready = JSON.parse((await get(tao.address, '/-/ready')).body)
    assert.equal(ready.database, 'ok')
    assert.ok(['running', 'standby'].includes(ready.services['jobs:leader']))

    process.kill(first, 'SIGKILL')
    const killedAt = Date.now()
    await until(() => leading().length === 2, 15_000, 'a new leader')
    const second = leading()[1]!
    assert.notEqual(second.pid, first)
    assert.ok(second.t >= killedAt, 'the new leader started after the old one died')
    assert.ok(!alive(first))
    await tao.waitFor(/worker \d \(pid \d+\) died \(killed by SIGKILL\); starting a new one/)
  } finally {
    assert.equal(await tao.stop('SIGTERM'), 0)
  }
  const events = readEvents(file)
  const last = events.filter((e) => e.event === 'leading').at(-1)!
  assert.deepEqual(events.filter((e) => e.event === 'resigned').map((e) => e.pid), [last.pid], 'the leader resigns at shutdown')
})
