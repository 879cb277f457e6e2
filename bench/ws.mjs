// Websocket broadcast on tao (a channel publish) against a bare @fastify/websocket loop over
// its clients, in one run: each server in its own child process with the same number of
// clients on 127.0.0.1, interleaved rounds (A B, B A, ...), medians reported.
//   broadcast: messages/s to every client (a broadcast counts once all clients have it),
//              and server CPU per broadcast;
//   memory:    server heap and RSS per idle connection (after a full GC).
// Bounded: fixed rounds, a timeout on every wait, client count within `ulimit -n`.
import { fork, spawnSync } from 'node:child_process'
import { WebSocket } from 'ws'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BURST = Number(process.env.BENCH_BURST ?? 100)
const BYTES = Number(process.env.BENCH_BYTES ?? 64)
const fdLimit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()) || 1024
// This process holds every client of both servers (2 per pair), plus some slack.
const CLIENTS = Math.min(Number(process.env.BENCH_CLIENTS ?? 1000), Math.floor((fdLimit - 200) / 2))

const servers = {
  tao: new URL('./servers/ws-tao.mjs', import.meta.url).pathname,
  'bare @fastify/websocket': new URL('./servers/ws-fastify.mjs', import.meta.url).pathname,
}

function within (promise, what, ms = 60_000) {
  let timer
  return Promise.race([promise, new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms) })])
    .finally(() => clearTimeout(timer))
}

async function start (module) {
  const child = fork(module, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--import', 'tsx', '--expose-gc'] })
  const { url } = await within(new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`${module} exited with ${code}`)))
  }), `${module} to start`)
  const ask = (msg, key) => within(new Promise((resolve) => {
    const on = (m) => { if (key in m) { child.off('message', on); resolve(m[key]) } }
    child.on('message', on)
    child.send(msg)
  }), `${key} from ${module}`)
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
  return { url: url.replace(/^http/, 'ws'), ask, stop }
}

/** Connects `count` clients, 50 at a time; each counts the messages it receives. */
async function connectClients (url, count) {
  const state = { received: 0, target: Infinity, done: null }
  const onMessage = () => {
    if (++state.received >= state.target && state.done) { state.done(); state.done = null }
  }
  const clients = []
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}/live`)
      ws.on('message', onMessage)
      ws.once('open', () => resolve(ws))
      ws.once('error', reject)
    }))
    clients.push(...await within(Promise.all(batch), 'clients to connect'))
  }
  return { clients, state }
}

async function burst (server, pair) {
  const { state, clients } = pair
  const arrived = new Promise((resolve) => { state.done = resolve })
  state.target = state.received + BURST * clients.length
  const cpu0 = await server.ask('cpu', 'cpu')
  const t0 = process.hrtime.bigint()
  await server.ask({ burst: BURST, bytes: BYTES }, 'burst')
  await within(arrived, 'a burst to reach every client')
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu1 = await server.ask('cpu', 'cpu')
  return { perSecond: BURST / seconds, cpuUs: (cpu1 - cpu0) / BURST }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const names = Object.keys(servers)
const started = {}
const pairs = {}
const results = Object.fromEntries(names.map((n) => [n, { perSecond: [], cpuUs: [], heap: 0, rss: 0 }]))
try {
  for (const name of names) {
    started[name] = await start(servers[name])
    const before = await started[name].ask('mem', 'mem')
    pairs[name] = await connectClients(started[name].url, CLIENTS)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const after = await started[name].ask('mem', 'mem')
    results[name].heap = (after.heapUsed + after.external - before.heapUsed - before.external) / CLIENTS
    results[name].rss = (after.rss - before.rss) / CLIENTS
    await burst(started[name], pairs[name]) // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const r = await burst(started[name], pairs[name])
      results[name].perSecond.push(r.perSecond)
      results[name].cpuUs.push(r.cpuUs)
    }
  }
} finally {
  for (const pair of Object.values(pairs)) for (const ws of pair.clients) ws.terminate()
  await Promise.all(Object.values(started).map((s) => s.stop()))
}

console.log(`\nwebsocket broadcast to ${CLIENTS} clients (ulimit -n ${fdLimit}), ${BYTES}-byte messages in bursts of ${BURST}, ${ROUNDS} interleaved rounds`)
for (const [name, r] of Object.entries(results)) {
  const ps = median(r.perSecond)
  console.log(`  ${name.padEnd(24)} ${ps.toFixed(0).padStart(6)} broadcasts/s (${(ps * CLIENTS / 1e3).toFixed(0)}k msgs/s delivered)  ${median(r.cpuUs).toFixed(0).padStart(6)} µs server CPU/broadcast  ${(r.heap / 1024).toFixed(1)} KiB heap+external, ${(r.rss / 1024).toFixed(1)} KiB RSS per idle connection`)
}
const [subject, baseline] = names.map((n) => results[n])
console.log(`  ratio tao/bare: ${(median(subject.perSecond) / median(baseline.perSecond) * 100).toFixed(1)}% of broadcasts/s; CPU per broadcast ${(median(subject.cpuUs) / median(baseline.cpuUs)).toFixed(2)}x`)
