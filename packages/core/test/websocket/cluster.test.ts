import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { fixture } from '../kernel/helpers.js'
import { connect, within, type Client } from './helpers.js'

const primary = fileURLToPath(new URL('./cluster-primary.ts', import.meta.url))

test('a publish in one worker reaches the group members in every worker', { timeout: 60_000 }, async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', primary, fixture('ws-chat'), '2'], { stdio: ['pipe', 'pipe', 'inherit'] })
  t.after(() => { child.kill('SIGTERM') })
  const ready: Array<{ pid: number, address: string }> = []
  const lines = createInterface({ input: child.stdout })
  await within(new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => { ready.push(JSON.parse(line)); if (ready.length === 2) resolve() })
    child.once('exit', (code) => reject(new Error(`the primary exited (${code}) before its workers were ready`)))
  }), 'two workers', 30_000)
  assert.equal(ready[0]!.address, ready[1]!.address, 'the workers share one port')
  const base = ready[0]!.address.replace(/^http/, 'ws')

  // Connections are spread over the workers; keep one client on each (bounded attempts).
  const byPid = new Map<number, Client>()
  const extra: Client[] = []
  for (let i = 0; i < 20 && byPid.size < 2; i++) {
    const client = await connect(`${base}/chat/room/everywhere`)
    const { pid } = JSON.parse(await client.next())
    if (byPid.has(pid)) extra.push(client)
    else byPid.set(pid, client)
  }
  assert.deepEqual([...byPid.keys()].sort(), ready.map((r) => r.pid).sort(), 'one client on each worker')
  const clients = [...byPid.values(), ...extra]
  const [a, b] = [...byPid.entries()]

  a![1].ws.send('from a')
  for (const client of clients) assert.deepEqual(JSON.parse(await client.next()), { from: a![0], text: 'from a' })
  b![1].ws.send('from b')
  for (const client of clients) assert.deepEqual(JSON.parse(await client.next()), { from: b![0], text: 'from b' })
  for (const client of clients) client.ws.terminate()

  child.stdin.end()
  assert.equal(await within(new Promise((resolve) => child.once('exit', resolve)), 'the primary to exit'), 0)
})
