// Database benchmarks (not part of `npm test`). Build first (`npx tsc -b`), then:
//   node --import tsx bench/db.mjs [--seconds 2] [--rounds 5]
// 1. The official driver on the embedded store: inserts/s and find-by-id/s, one operation at a
//    time and 16 in flight, in memory and on disk (every acknowledged write is fsynced).
// 2. HTTP requests/s of a page that reads one document next to a page that touches no
//    database: same server process, interleaved rounds, medians.
// Every measurement is bounded in time and count.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo } from '@tao/embedded-mongo'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}
const SECONDS = arg('seconds', 2)
const ROUNDS = arg('rounds', 5)
const MAX_OPS = 200_000
const fixture = fileURLToPath(new URL('../packages/core/test/fixtures/db-notes', import.meta.url))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(9)

/** Runs `op` with `concurrency` in flight for SECONDS (at most MAX_OPS); returns ops per second. */
async function rate (op, concurrency) {
  const end = performance.now() + SECONDS * 1000
  let done = 0
  const lane = async () => {
    while (performance.now() < end && done < MAX_OPS) { await op(done); done++ }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, lane))
  return done / ((performance.now() - start) / 1000)
}

const LOOKUP_DOCS = 10_000

async function driverBench (label, dir) {
  const store = await startEmbeddedMongo({ dir })
  const client = await new MongoClient(store.uri).connect()
  const db = client.db('bench')
  try {
    // Finds run against a collection of a fixed size, whatever the inserts added elsewhere.
    const lookup = db.collection('lookup')
    for (let i = 0; i < LOOKUP_DOCS; i += 1000) await lookup.insertMany(Array.from({ length: 1000 }, (_, j) => ({ text: `note ${i + j}` })))
    const ids = (await lookup.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id)
    for (const concurrency of [1, 16]) {
      const notes = db.collection(`inserts_${concurrency}`)
      const inserts = await rate((i) => notes.insertOne({ text: `note ${i}`, at: new Date() }), concurrency)
      const finds = await rate((i) => lookup.findOne({ _id: ids[i % ids.length] }), concurrency)
      console.log(`${label.padEnd(8)} ${String(concurrency).padStart(2)} in flight  inserts/s ${fmt(inserts)}   find-by-id/s ${fmt(finds)}  (${LOOKUP_DOCS.toLocaleString('en-US')} documents)`)
    }
  } finally {
    await client.close()
    await store.close()
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
  console.log(`node ${process.version}, ${SECONDS} s per measurement, ${ROUNDS} HTTP rounds\n`)
  console.log('Driver on the embedded store')
  await driverBench('memory', undefined)
  const dir = mkdtempSync(join(tmpdir(), 'tao-bench-db-'))
  try {
    await driverBench('disk', dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('\nHTTP (autocannon, 10 connections, server in its own process)')
  await httpBench()
}
