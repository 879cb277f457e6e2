// Websocket broadcast to 1,000 clients: one machine (`tao start --workers 2`, channels over the
// cluster relay) against two machines (two `tao start --workers 2` processes, channels over a
// real redis-server, the clients split between them). A broadcast is one publish, made by a
// request to the first machine; it counts once every client has it. Interleaved rounds,
// medians reported. Bounded: fixed rounds and bursts, a timeout on every wait.
//   BENCH_CLIENTS (1000), BENCH_BURST (50), BENCH_BYTES (64), BENCH_ROUNDS (5)
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BURST = Number(process.env.BENCH_BURST ?? 50)
const BYTES = Number(process.env.BENCH_BYTES ?? 64)
const fdLimit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()) || 1024
// This process holds the clients of both setups at once, plus some slack.
const CLIENTS = Math.min(Number(process.env.BENCH_CLIENTS ?? 1000), Math.floor((fdLimit - 200) / 2))
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p))
const taoBin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))
const project = fileURLToPath(new URL('./fixtures/ws-machines', import.meta.url))

if (!REDIS) {
  console.log('ws-machines: skipped, redis-server is not installed (apt-get install redis-server)')
  process.exit(0)
}

function within (promise, what, ms = 60_000) {
  let timer
  return Promise.race([promise, new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms) })])
    .finally(() => clearTimeout(timer))
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) }).on('error', reject)
})

const children = []
function stopAll () {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
}

async function startRedis (dir) {
  const port = await freePort()
  const child = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  children.push(child)
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const s = createServer().listen(port, '127.0.0.1', () => s.close(() => resolve(false))).on('error', () => resolve(true))
    })
    if (up) return `redis://127.0.0.1:${port}`
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('redis-server did not start')
}

async function startMachine (env) {
  const port = await freePort()
  const child = spawn(process.execPath, [taoBin, 'start', '--host', '127.0.0.1', '--port', String(port), '--workers', '2'], { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  await within(new Promise((resolve, reject) => {
    const on = (d) => { out += d; if (/tao: serving/.test(out)) resolve() }
    child.stdout.on('data', on)
    child.stderr.on('data', on)
    child.once('exit', (code) => reject(new Error(`tao start exited (${code}):\n${out}`)))
  }), 'tao start')
  return port
}

/** Connects `count` clients to `port`, 50 at a time; all count into one shared state. */
async function connect (port, count, state) {
  const clients = []
  const onMessage = () => { if (++state.received >= state.target && state.done) { state.done(); state.done = null } }
  for (let i = 0; i < count; i += 50) {
    clients.push(...await within(Promise.all(Array.from({ length: Math.min(50, count - i) }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/live`)
      ws.on('message', onMessage)
      ws.once('open', () => resolve(ws))
      ws.once('error', reject)
    }))), 'clients to connect'))
  }
  return clients
}

/** One burst: POST to the first machine, wait until every client has every message. */
async function burst (setup) {
  const { state } = setup
  const arrived = new Promise((resolve) => { state.done = resolve })
  state.target = state.received + BURST * setup.clients.length
  const t0 = process.hrtime.bigint()
  const res = await fetch(`http://127.0.0.1:${setup.publishTo}/burst/${BURST}/${BYTES}`, { method: 'POST' })
  if (!res.ok) throw new Error(`burst answered ${res.status}`)
  await within(arrived, 'a burst to reach every client', 30_000)
  return BURST / (Number(process.hrtime.bigint() - t0) / 1e9)
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

const dir = mkdtempSync(join(tmpdir(), 'tao-bench-redis-'))
const setups = {}
const results = {}
try {
  // 1. One machine: the cluster relay between its two workers.
  const one = await startMachine({})
  setups['one machine, cluster relay'] = { publishTo: one, ports: [one] }
  // 2. Two machines on one Redis.
  const url = await startRedis(dir)
  const a = await startMachine({ TAO_REDIS_URL: url })
  const b = await startMachine({ TAO_REDIS_URL: url })
  setups['two machines, Redis pub/sub'] = { publishTo: a, ports: [a, b] }
  for (const [name, setup] of Object.entries(setups)) {
    setup.state = { received: 0, target: Infinity, done: null }
    setup.clients = []
    const per = Math.ceil(CLIENTS / setup.ports.length)
    for (const [i, port] of setup.ports.entries()) setup.clients.push(...await connect(port, Math.min(per, CLIENTS - i * per), setup.state))
    results[name] = []
    // Warm-up, and proof that every worker of every machine is subscribed.
    await burst(setup)
  }
  const names = Object.keys(setups)
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) results[name].push(await burst(setups[name]))
  }
} finally {
  for (const setup of Object.values(setups)) for (const ws of setup.clients ?? []) ws.terminate()
  stopAll()
  await new Promise((resolve) => setTimeout(resolve, 500))
  rmSync(dir, { recursive: true, force: true })
}

console.log(`\nwebsocket broadcast to ${CLIENTS} clients over tao start --workers 2 machines, ${BYTES}-byte messages in bursts of ${BURST}, ${ROUNDS} interleaved rounds`)
for (const [name, r] of Object.entries(results)) {
  const ps = median(r)
  console.log(`  ${name.padEnd(30)} ${ps.toFixed(0).padStart(6)} broadcasts/s (${(ps * CLIENTS / 1e3).toFixed(0)}k msgs/s delivered)  [${r.map((x) => x.toFixed(0)).join(', ')}]`)
}
const [one, two] = Object.values(results).map(median)
console.log(`  ratio two machines (Redis) / one machine (cluster): ${(two / one * 100).toFixed(1)}%`)
