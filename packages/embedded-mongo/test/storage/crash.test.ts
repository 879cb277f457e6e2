import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { openStore, tempDir } from './helpers.js'

const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url))

// Runs the writer until it has acknowledged `atLeast` inserts, kills it with SIGKILL; returns
// the acknowledged ids and the last acknowledged value of the round's counter.
async function writeThenKill (dir: string, round: number, atLeast: number): Promise<{ acked: string[], counter: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const acked: string[] = []
  let counter = -1
  let buffered = ''
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`writer exited early (code ${String(code)}, signal ${String(signal)})`))
    })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('n ')) counter = Number(line.slice(2))
        else if (line !== 'ready') acked.push(line)
      }
      if (acked.length >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL')
    })
  })
  return { acked, counter }
}

describe('storage: crash safety with a real process killed by SIGKILL', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('every acknowledged insert and update survives two kills, and the store reopens cleanly', async () => {
    const { acked: first, counter: firstCounter } = await writeThenKill(dir, 1, 400)
    const { acked: second, counter: secondCounter } = await writeThenKill(dir, 2, 400)
    const store = await openStore(dir)
    try {
      const docs = store.client.db('crash').collection<{ _id: string, n?: number }>('docs')
      const present = new Set((await docs.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id))
      const missing = [...first, ...second].filter((id) => !present.has(id))
      assert.deepEqual(missing, [], `${missing.length} acknowledged inserts were lost`)
      assert.ok(present.size >= first.length + second.length)
      // An update acknowledged as setting the counter to n is there: n, or a later value.
      assert.ok(firstCounter > 50 && secondCounter > 50)
      for (const [id, acknowledged] of [['counter-1', firstCounter], ['counter-2', secondCounter]] as const) {
        const stored = (await docs.findOne({ _id: id }))?.n ?? -1
        assert.ok(stored >= acknowledged, `${id} is ${stored}, but ${acknowledged} was acknowledged`)
      }
      // The reopened store accepts writes again.
      await docs.insertOne({ _id: 'after-crash' })
      assert.equal(await docs.countDocuments({ _id: 'after-crash' }), 1)
    } finally {
      await store.close()
    }
  })
})
