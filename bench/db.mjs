// Database benchmarks (not part of `npm test`). Build first (`npx tsc -b`), then:
//   node --import tsx bench/db.mjs [--seconds 2] [--rounds 5] [--only cpu|floor|driver|http]
//     [--transport tcp,unix] [--cpu-prof]
// 1. The official driver on the embedded store, the store in its own process as a mongod
//    would be: insertOne/s and findOne({ _id })/s, one operation at a time and 16 in flight, in
//    memory and on disk (every acknowledged write is fsynced), with the store's own CPU time per
//    operation (process.cpuUsage of its process). Rounds alternate memory and disk; medians
//    and min-max over the rounds. --cpu-prof writes the store's CPU profiles to bench/profiles.
// 2. HTTP requests/s of a page that reads one document next to a page that touches no
//    database: same server process, interleaved rounds, medians.
// The floor: the same driver finds against a server answering canned replies
// (bench/servers/canned-mongo.mjs), in rounds interleaved with the store's; --only floor runs it alone.
// --transport: TCP loopback and/or a unix domain socket (tao's default where the platform has
// them), each measured in the same interleaved rounds; both by default.
// Every measurement is bounded in time and count.
import { fork, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { MongoClient, ObjectId } from 'mongodb'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : process.argv[i + 1]
}
const SECONDS = Number(arg('seconds', 2))
const ROUNDS = Number(arg('rounds', 5))
const ONLY = arg('only', '')
const PROFILE = process.argv.includes('--cpu-prof')
const TRANSPORTS = arg('transport', 'tcp,unix').split(',')
const MAX_OPS = 200_000
const fixture = fileURLToPath(new URL('../packages/core/test/fixtures/db-notes', import.meta.url))
const storeServer = fileURLToPath(new URL('./servers/embedded-store.mjs', import.meta.url))
const cannedServer = fileURLToPath(new URL('./servers/canned-mongo.mjs', import.meta.url))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(9)
const spread = (xs, digits = 0) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`

/** Runs `op` with `concurrency` in flight for SECONDS (at most MAX_OPS); returns { ops, seconds }. */
async function rate (op, concurrency) {
  const end = performance.now() + SECONDS * 1000
  let done = 0
  const lane = async () => {
    while (performance.now() < end && done < MAX_OPS) { await op(done); done++ }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { ops: done, seconds: (performance.now() - start) / 1000 }
}

/** The store (or another server script) in a child process; resolves { uri, cpu(), stop() }. */
async function startStore (dir, script = storeServer, transport = 'tcp') {
  const execArgv = [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(new URL('./profiles', import.meta.url))] : [])]
  const child = fork(script, [dir ?? '', transport], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
  const uri = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`the store exited with ${code}`)))
  })
  const cpu = () => new Promise((resolve) => { child.once('message', (m) => resolve(m.cpu)); child.send('cpu') })
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
  return { uri, cpu, stop }
}

const LOOKUP_DOCS = 10_000

/** One round on a fresh store: { 'insert 1': { rate, cpuUs }, 'find 16': ... }. */
async function driverRound (dir, transport) {
  const store = await startStore(dir, storeServer, transport)
  const client = await new MongoClient(store.uri, { maxPoolSize: 20 }).connect()
  const db = client.db('bench')
  const out = {}
  const measure = async (name, op, concurrency) => {
    const before = await store.cpu()
    const driverBefore = process.cpuUsage()
    const { ops, seconds } = await rate(op, concurrency)
    const driver = process.cpuUsage(driverBefore)
    out[name] = { rate: ops / seconds, cpuUs: (await store.cpu() - before) / ops, driverUs: (driver.user + driver.system) / ops }
  }
  try {
    // Finds run against a collection of a fixed size, whatever the inserts added elsewhere.
    const lookup = db.collection('lookup')
    for (let i = 0; i < LOOKUP_DOCS; i += 1000) await lookup.insertMany(Array.from({ length: 1000 }, (_, j) => ({ text: `note ${i + j}`, n: i + j })))
    const ids = (await lookup.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id)
    await rate((i) => lookup.findOne({ _id: ids[i % ids.length] }), 16) // warm-up
    for (const concurrency of [1, 16]) {
      const notes = db.collection(`inserts_${concurrency}`)
      await measure(`insertOne ${concurrency}`, (i) => notes.insertOne({ text: `note ${i}`, at: new Date() }), concurrency)
      await measure(`findOne   ${concurrency}`, (i) => lookup.findOne({ _id: ids[(i * 7919) % ids.length] }), concurrency)
    }
  } finally {
    await client.close()
    await store.stop()
  }
  return out
}

/**
 * The store's own CPU per find-by-id: the messages the driver sends for findOne({ _id }), run
 * in this process through the connection's execute + replyMessage (parse, dispatch, lookup,
 * reply), without sockets. Returns microseconds per operation for each round.
 */
async function ownCpuBench () {
  const internal = (file) => import(new URL(`../packages/embedded-mongo/dist/${file}`, import.meta.url).href)
  const [{ execute, replyMessage }, { Store }, { CursorRegistry }, { TtlMonitor }, { BSON, ObjectId, UUID }] = await Promise.all([
    internal('connection.js'), internal('engine/store.js'), internal('engine/cursors.js'), internal('engine/ttl.js'), import('bson'),
  ])
  const store = new Store()
  const cursors = new CursorRegistry()
  const ttl = new TtlMonitor(store, 60, () => {})
  let requestId = 0
  const state = { store, cursors, ttl, journal: undefined, nextRequestId: () => ++requestId }
  const coll = store.ensure('bench', 'lookup')
  const ids = Array.from({ length: LOOKUP_DOCS }, (_, n) => {
    const _id = new ObjectId()
    coll.insert({ _id, text: `note ${n}`, n })
    return _id
  })
  const lsid = { id: new UUID() }
  const message = (_id) => {
    const body = BSON.serialize({ find: 'lookup', filter: { _id }, limit: 1, singleBatch: true, batchSize: 1, lsid, $db: 'bench' })
    const msg = Buffer.alloc(21 + body.length)
    msg.writeInt32LE(msg.length, 0); msg.writeInt32LE(1, 4); msg.writeInt32LE(2013, 12); msg[20] = 0
    msg.set(body, 21)
    return msg
  }
  const messages = ids.map(message)
  const N = 100_000
  const rounds = []
  for (let round = 0; round < ROUNDS + 1; round++) {
    const start = process.cpuUsage()
    let bytes = 0
    for (let i = 0; i < N; i++) bytes += replyMessage(execute(messages[(i * 7919) % messages.length], 1, state)).length
    const used = process.cpuUsage(start)
    if (bytes < N * 50) throw new Error('the finds found nothing')
    if (round > 0) rounds.push((used.user + used.system) / N) // round 0 warms the JIT up
  }
  ttl.close()
  cursors.close()
  console.log(`store's own CPU per findOne({ _id }) (in process, no sockets, ${N.toLocaleString('en-US')} finds per round): ${median(rounds).toFixed(2)} us (${spread(rounds, 2)})`)
}

/**
 * The floor: one round of the driver's findOne against a server that answers every message
 * with a reply built once (bench/servers/canned-mongo.mjs). Whatever the store does, the
 * driver cannot go faster than this on this machine; its CPU per op is the driver's own cost.
 */
async function floorRound (transport) {
  const server = await startStore(undefined, cannedServer, transport)
  const client = await new MongoClient(server.uri, { maxPoolSize: 20 }).connect()
  const out = {}
  try {
    const coll = client.db('bench').collection('lookup')
    const id = new ObjectId()
    await rate(() => coll.findOne({ _id: id }), 16) // warm-up
    for (const concurrency of [1, 16]) {
      const before = await server.cpu()
      const driverBefore = process.cpuUsage()
      const { ops, seconds } = await rate(() => coll.findOne({ _id: id }), concurrency)
      const driver = process.cpuUsage(driverBefore)
      out[`findOne   ${concurrency}`] = { rate: ops / seconds, cpuUs: (await server.cpu() - before) / ops, driverUs: (driver.user + driver.system) / ops }
    }
  } finally {
    await client.close()
    await server.stop()
  }
  return out
}

async function driverBench () {
  const dir = mkdtempSync(join(tmpdir(), 'tao-bench-db-'))
  const kinds = ONLY === 'floor' ? ['floor'] : ['floor', 'memory', 'disk']
  const results = Object.fromEntries(kinds.flatMap((kind) => TRANSPORTS.map((t) => [`${kind} ${t}`, []])))
  try {
    // Rounds interleave the floor and the store, so both meet the same load on a shared machine.
    for (let round = 0; round < ROUNDS; round++) {
      const modes = Object.keys(results)
      for (const mode of round % 2 === 0 ? modes : modes.reverse()) {
        rmSync(join(dir, 'data'), { recursive: true, force: true })
        const [kind, transport] = mode.split(' ')
        results[mode].push(await (kind === 'floor' ? floorRound(transport) : driverRound(kind === 'disk' ? join(dir, 'data') : undefined, transport)))
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const [mode, rounds] of Object.entries(results)) {
    for (const name of Object.keys(rounds[0])) {
      const rates = rounds.map((r) => r[name].rate)
      const cpus = rounds.map((r) => r[name].cpuUs)
      const drivers = rounds.map((r) => r[name].driverUs)
      console.log(`${mode.padEnd(11)} ${name} in flight  ops/s ${fmt(median(rates))} (${spread(rates)})   ${mode.startsWith('floor') ? 'server' : 'store '} CPU/op ${median(cpus).toFixed(1).padStart(5)} us (${spread(cpus, 1)})   driver CPU/op ${median(drivers).toFixed(1).padStart(5)} us`)
    }
  }
  for (const mode of Object.keys(results)) {
    const [kind, transport] = mode.split(' ')
    if (kind === 'floor') continue
    const ratios = results[mode].map((r, i) => r['findOne   16'].rate / results[`floor ${transport}`][i]['findOne   16'].rate)
    console.log(`${mode} findOne 16 in flight against the floor (${transport}) of the same round: ${median(ratios).toFixed(2)}x (${spread(ratios, 2)})`)
  }
  if (TRANSPORTS.includes('tcp') && TRANSPORTS.includes('unix')) {
    for (const kind of kinds) {
      const ratios = results[`${kind} unix`].map((r, i) => r['findOne   16'].rate / results[`${kind} tcp`][i]['findOne   16'].rate)
      console.log(`${kind} findOne 16 in flight, unix socket against TCP of the same round: ${median(ratios).toFixed(2)}x (${spread(ratios, 2)})`)
    }
  }
}

/** The server process: the db-notes fixture on an in-memory store, one seeded note. */
async function serveFixture () {
  const { createApp } = await import('@tao/core')
  const app = await createApp({ root: fixture, env: {}, settings: { logLevel: 'silent', secretKey: '9b11b03d6f519707b4f9aa6a3499a4b5cb8e573208de2ae432180179f7815cd3', allowedHosts: ['127.0.0.1'], database: { url: 'memory' } } })
  await app.ready()
  const { insertedId } = await app.db.collection('notes').insertOne({ text: 'hello' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`${JSON.stringify({ address, id: insertedId.toHexString() })}\n`)
  process.once('SIGTERM', () => { app.close().then(() => process.exit(0)) })
}

async function startServer () {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start')), 60_000)
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) { clearTimeout(timer); resolve(out.slice(0, out.indexOf('\n'))) }
    })
  })
  return { child, ...JSON.parse(line) }
}

async function httpBench () {
  const server = await startServer()
  const pages = { 'no database (/ping)': '/ping', 'reads one document (/page/:id)': `/page/${server.id}` }
  const results = Object.fromEntries(Object.keys(pages).map((k) => [k, []]))
  try {
    // Warm up (JIT, pools) without counting.
    for (const path of Object.values(pages)) await autocannon({ url: server.address + path, connections: 10, duration: 1 })
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, path] of Object.entries(pages)) {
        const r = await autocannon({ url: server.address + path, connections: 10, duration: SECONDS })
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`)
        results[name].push(r.requests.average)
      }
    }
  } finally {
    server.child.kill('SIGTERM')
  }
  for (const [name, xs] of Object.entries(results)) {
    console.log(`${name.padEnd(32)} median req/s ${fmt(median(xs))}   (rounds: ${xs.map((x) => Math.round(x)).join(', ')})`)
  }
}

if (process.argv[2] === 'serve') {
  await serveFixture()
} else {
  console.log(`node ${process.version}, ${SECONDS} s per measurement, ${ROUNDS} rounds; medians (min-max)\n`)
  if (ONLY === '' || ONLY === 'driver' || ONLY === 'cpu') await ownCpuBench()
  if (ONLY === '' || ONLY === 'driver' || ONLY === 'floor') {
    console.log(`Official driver -> embedded store in its own process (${LOOKUP_DOCS.toLocaleString('en-US')} documents to find), and -> a server answering canned replies (the floor)`)
    await driverBench()
  }
  if (ONLY === '' || ONLY === 'http') {
    console.log('\nHTTP (autocannon, 10 connections, server in its own process)')
    await httpBench()
  }
}
