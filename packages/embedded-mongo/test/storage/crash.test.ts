import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { openStore, tempDir } from './helpers.js'

const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url))

// Runs the writer until it has acknowledged `atLeast` inserts, kills it with SIGKILL, returns the acknowledged ids.
async function writeThenKill (dir: string, round: number, atLeast: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const acked: string[] = []
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
      for (const line of lines) if (line !== 'ready') acked.push(line)
      if (acked.length >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL')
    })
  })
  return acked
}

describe('storage: crash safety with a real process killed by SIGKILL', () => {
  let dir: string
  let cleanup: () => Promise<void>
  before(async () => { ({ dir, cleanup } = await tempDir()) })
  after(async () => { await cleanup() })

  it('every acknowledged insert survives two kills, and the store reopens cleanly', async () => {
    const first = await writeThenKill(dir, 1, 400)
    const second = await writeThenKill(dir, 2, 400)
    const store = await openStore(dir)
    try {
      const docs = store.client.db('crash').collection<{ _id: string }>('docs')
      const present = new Set((await docs.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id))
      const missing = [...first, ...second].filter((id) => !present.has(id))
      assert.deepEqual(missing, [], `${missing.length} acknowledged inserts were lost`)
      assert.ok(present.size >= first.length + second.length)
      // The reopened store accepts writes again.
      await docs.insertOne({ _id: 'after-crash' })
      assert.equal(await docs.countDocuments({ _id: 'after-crash' }), 1)
    } finally {
      await store.close()
    }
  })
})
