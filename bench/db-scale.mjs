// The embedded store at scale (not part of `npm test`). Build first (`npx tsc -b`), then:
//   node --expose-gc bench/db-scale.mjs [--docs 1000000] [--finds 20000] [--updates 300000]
// On disk, the store in its own process, the official driver in this one:
// 1. loads --docs documents of about 200 bytes (insertMany, 5,000 per batch) with an index on
//    `email`, and reports the data's BSON size (dbStats) and the store's RSS, as is and after a
//    full GC (the store runs with --expose-gc for that);
// 2. latency of indexed equality finds (findOne({ email }), one at a time): p50, p99 of the
//    first 2,000 (the find path not compiled yet) and of the --finds after them;
// 3. restart: the time to open the data directory again (snapshot + journal loaded, indexes
//    rebuilt), and the RSS after it;
// 4. steady updates ($inc on random documents, 16 in flight) while sampling the directory's
//    size: the journal is compacted into the snapshot, so disk use stays bounded.
// TAO_BENCH_SLOWEST=1 also lists the slowest of the first finds, by position.
// Every loop is bounded in count.
import { fork } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MongoClient } from 'mongodb'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}
const DOCS = arg('docs', 1_000_000)
const FINDS = arg('finds', 20_000)
const UPDATES = arg('updates', 300_000)
const BATCH = 5000
const storeServer = fileURLToPath(new URL('./servers/embedded-store.mjs', import.meta.url))
const MB = (n) => `${(n / 1048576).toFixed(0)} MB`

async function startStore (dir) {
  const child = fork(storeServer, [dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc', ...(process.env.TAO_BENCH_TRACE_GC ? ['--trace-gc'] : [])] })
  const uri = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`the store exited with ${code}`)))
  })
  const stats = () => new Promise((resolve) => {
    const on = (m) => { if (m.rss !== undefined) { child.off('message', on); resolve(m) } }
    child.on('message', on)
    child.send('rss')
  })
  const gcs = () => new Promise((resolve) => {
    const on = (m) => { if (m.gc !== undefined) { child.off('message', on); resolve(m.gc) } }
    child.on('message', on)
    child.send('gc')
  })
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
  return { uri, stats, gcs, stop }
}

function dirBytes (dir) {
  let journal = 0
  let total = 0
  for (const f of readdirSync(dir)) {
    const size = statSync(join(dir, f)).size
    total += size
    if (f.startsWith('journal-')) journal += size
  }
  return { total, journal }
}

const doc = (i) => ({
  email: `user${i}@example.com`,
  name: `User Number ${i}`,
  n: i,
  active: i % 3 === 0,
  createdAt: new Date(1_700_000_000_000 + i * 1000),
  tags: ['alpha', 'beta'],
  bio: 'Writes about gardens, bicycles and the small joys of a well-kept notebook.',
})

/** The store's memory from a 'rss' answer: RSS against the BSON size, and where it is (V8 heap, buffers outside it), as is and after a full GC. */
const memory = (m, dataSize) => {
  const g = m.afterGc
  return `RSS ${MB(m.rss)} = ${(m.rss / dataSize).toFixed(2)}x the BSON size (V8 heap used ${MB(m.heapUsed)} of ${MB(m.heapTotal)}, buffers ${MB(m.arrayBuffers)}, other external ${MB(m.external - m.arrayBuffers)}); ` +
    `after a full GC ${MB(g.rss)} = ${(g.rss / dataSize).toFixed(2)}x (heap used ${MB(g.heapUsed)} of ${MB(g.heapTotal)}, buffers ${MB(g.arrayBuffers)}; outside them ${MB(g.rss - g.heapTotal - g.external)})`
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

async function main () {
  const root = mkdtempSync(join(tmpdir(), 'tao-bench-scale-'))
  const dir = join(root, 'data')
  let store = await startStore(dir)
  try {
    let client = await new MongoClient(store.uri).connect()
    let people = client.db('bench').collection('people')
    await people.createIndex({ email: 1 })
    const t0 = performance.now()
    for (let i = 0; i < DOCS; i += BATCH) {
      await people.insertMany(Array.from({ length: Math.min(BATCH, DOCS - i) }, (_, j) => doc(i + j)), { ordered: false })
    }
    const loadSecs = (performance.now() - t0) / 1000
    const { dataSize, objects } = await client.db('bench').command({ dbStats: 1 })
    const loaded = await store.stats()
    console.log(`${objects.toLocaleString('en-US')} documents, ${MB(dataSize)} of BSON (${(dataSize / objects).toFixed(0)} bytes each), inserted in ${loadSecs.toFixed(1)} s`)
    console.log(`after loading: ${memory(loaded, dataSize)}`)

    // The first finds after a start pay for compiling the find path (in the store and in the
    // driver): they are reported apart from the rest.
    const WARM = Math.min(2000, FINDS)
    const findLatencies = async (label) => {
      // This process's garbage from making a million documents is not the store's: with
      // --expose-gc it is collected first, so its collections do not land among the finds.
      globalThis.gc?.()
      await store.gcs()
      const times = []
      let first
      let firstTimes
      for (let k = 0; k < WARM + FINDS; k++) {
        if (k === WARM) {
          firstTimes = [...times]
          first = [...times].sort((a, b) => a - b)
          times.length = 0
        }
        const i = (k * 7919) % DOCS
        const t = performance.now()
        const found = await people.findOne({ email: `user${i}@example.com` })
        times.push(performance.now() - t)
        if (found?.n !== i) throw new Error(`findOne({ email }) found ${found?.n} for ${i}`)
      }
      if (process.env.TAO_BENCH_SLOWEST) console.log(`slowest of the first ${WARM}: ${firstTimes.map((t, k) => [t, k]).sort((a, b) => b[0] - a[0]).slice(0, 25).map(([t, k]) => `#${k} ${t.toFixed(2)}`).join(', ')}`)
      times.sort((a, b) => a - b)
      const gc = await store.gcs()
      console.log(`${label}: indexed equality find (findOne({ email }), one at a time): first ${WARM.toLocaleString('en-US')} finds p50 ${percentile(first, 0.5).toFixed(3)} ms, p99 ${percentile(first, 0.99).toFixed(3)} ms; next ${FINDS.toLocaleString('en-US')} finds p50 ${percentile(times, 0.5).toFixed(3)} ms, p99 ${percentile(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(1)} ms; the store's collections meanwhile: ${gc.count}, ${gc.totalMs.toFixed(1)} ms in all, longest ${gc.maxMs.toFixed(1)} ms`)
    }
    await findLatencies('after loading')

    await client.close()
    await store.stop()
    const onDisk = dirBytes(dir)
    const t1 = performance.now()
    store = await startStore(dir)
    const restartMs = performance.now() - t1
    const reopened = await store.stats()
    console.log(`restart: store open (load + index rebuild) ${(reopened.openMs / 1000).toFixed(1)} s wall, ${(reopened.openCpuMs / 1000).toFixed(1)} s CPU; process start to ready ${(restartMs / 1000).toFixed(1)} s; disk ${MB(onDisk.total)}; ${memory(reopened, dataSize)}`)
    client = await new MongoClient(store.uri).connect()
    people = client.db('bench').collection('people')
    await findLatencies('after restart')

    // Steady updates: the journal grows until it passes the snapshot's size, then compaction
    // folds it into a new snapshot, so disk use stays within a bound whatever the count.
    let done = 0
    let maxTotal = 0
    let maxJournal = 0
    let compactions = 0
    let lastJournal = 0
    const samples = setInterval(() => {
      const { total, journal } = dirBytes(dir)
      if (journal < lastJournal) compactions++
      lastJournal = journal
      maxTotal = Math.max(maxTotal, total)
      maxJournal = Math.max(maxJournal, journal)
    }, 200)
    const t2 = performance.now()
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (done < UPDATES) {
        const i = (done++ * 104729) % DOCS
        await people.updateOne({ email: `user${i}@example.com` }, { $inc: { n: 0, visits: 1 } })
      }
    }))
    clearInterval(samples)
    const updSecs = (performance.now() - t2) / 1000
    const after = dirBytes(dir)
    const rss = await store.stats()
    console.log(`${UPDATES.toLocaleString('en-US')} updates in ${updSecs.toFixed(1)} s (${Math.round(UPDATES / updSecs).toLocaleString('en-US')}/s, 16 in flight): journal max ${MB(maxJournal)}, directory max ${MB(maxTotal)} = ${(maxTotal / dataSize).toFixed(2)}x the BSON size, ${compactions} compaction(s) seen; at the end journal ${MB(after.journal)}, directory ${MB(after.total)}; ${memory(rss, dataSize)}`)
    await client.close()
  } finally {
    await store.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
