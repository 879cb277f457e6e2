// Sorted and ranged finds on a big collection of the embedded store (not part of `npm test`).
// Build first (`npx tsc -b`), then:
//   node bench/sort.mjs [--docs 100000] [--queries 200] [--store path/to/embedded-mongo/dist/index.js]
// In memory, the store in its own process (as a mongod would be), the official driver in
// this one. Fills a collection of --docs documents of about 200 bytes with indexes on `at`
// (descending), `{ status, price }` and `email`, then times, one at a time, --queries runs of:
// the first page of the admin's list (find({}).sort({ at: -1 }).limit(50)), a page deep in the
// collection by range pagination (find({ at: { $lt: last } }).sort({ at: -1 }).limit(50)), a
// the admin's list query (sort on `{ at: -1, _id: -1 }`, range pages by `$or`), a page sorted
// by `_id` descending, an equality + sort page on the compound index, and an
// indexed equality findOne. Reports p50 and p99 per case, and the insert rate before and
// after the first sorted read (after it, each insert also keeps the ordered keys in step).
// --store points at another build (e.g. main's) to compare. Every loop is bounded in count.
import { fork } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MongoClient } from 'mongodb'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : process.argv[i + 1]
}
const DOCS = Number(arg('docs', 100_000))
const QUERIES = Number(arg('queries', 200))
const STORE = arg('store', '')
const server = fileURLToPath(new URL('./servers/embedded-store.mjs', import.meta.url))
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]
const ms = (n) => `${n.toFixed(2)} ms`

const child = fork(server, [''], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, ...(STORE === '' ? {} : { TAO_BENCH_STORE: pathToFileURL(STORE).href }) },
})
const uri = await new Promise((resolve, reject) => {
  child.once('message', (m) => resolve(m.url))
  child.once('exit', (code) => reject(new Error(`the store exited with ${code}`)))
})
const client = new MongoClient(uri)
try {
  const c = client.db('bench_sort').collection('items')
  await c.createIndex({ at: -1 })
  await c.createIndex({ status: 1, price: -1 })
  await c.createIndex({ email: 1 })
  const doc = (i) => ({
    email: `user${i}@example.com`,
    name: `Item number ${i}`,
    status: ['draft', 'listed', 'retired'][i % 3],
    price: (i * 7919) % 1000,
    at: new Date(Date.UTC(2020, 0, 1) + ((i * 104729) % DOCS) * 60_000),
    tags: ['a', 'b'],
    note: 'x'.repeat(60),
  })
  const insert = async (from, to) => {
    const t0 = performance.now()
    for (let i = from; i < to; i += 1000) await c.insertMany(Array.from({ length: Math.min(1000, to - i) }, (_, j) => doc(i + j)))
    return ((to - from) / (performance.now() - t0)) * 1000
  }
  const before = await insert(0, DOCS)
  console.log(`${DOCS} documents, inserted at ${before.toFixed(0)}/s (before any sorted read)`)

  const time = async (name, run) => {
    const times = []
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now()
      await run(i)
      times.push(performance.now() - t0)
    }
    console.log(`${name.padEnd(58)} p50 ${ms(quantile(times, 0.5))}  p99 ${ms(quantile(times, 0.99))}`)
  }
  // The first sorted read by an index pays for building its ordered keys (where the store has them).
  const firstRead = async (sort) => {
    const t0 = performance.now()
    const docs = await c.find({}).sort(sort).limit(50).toArray()
    console.log(`${`first read sorted by ${JSON.stringify(sort)}`.padEnd(58)} ${ms(performance.now() - t0)}`)
    return docs
  }
  const first = await firstRead({ at: -1 })
  await firstRead({ status: 1, price: -1 })
  await firstRead({ _id: -1 })
  const pages = [first.at(-1).at]
  for (let i = 0; i < 20; i++) pages.push((await c.find({ at: { $lt: pages.at(-1) } }).sort({ at: -1 }).limit(50).toArray()).at(-1).at)

  await time('find({}).sort({ at: -1 }).limit(50)', () => c.find({}).sort({ at: -1 }).limit(50).toArray())
  await time('range page find({ at: { $lt: last } }).sort({ at: -1 }).limit(50)', (i) => c.find({ at: { $lt: pages[i % pages.length] } }).sort({ at: -1 }).limit(50).toArray())
  // The admin's list page: sort on (field, _id), range pagination by $or, one row more than the page.
  const adminSort = { at: -1, _id: -1 }
  const adminPages = [(await c.find({}).sort(adminSort).limit(51).toArray()).at(-2)]
  for (let i = 0; i < 20; i++) {
    const last = adminPages.at(-1)
    adminPages.push((await c.find({ $or: [{ at: { $lt: last.at } }, { at: last.at, _id: { $lt: last._id } }] }).sort(adminSort).limit(51).toArray()).at(-2))
  }
  await time('admin first page find({}).sort({ at: -1, _id: -1 }).limit(51)', () => c.find({}).sort(adminSort).limit(51).toArray())
  await time('admin page 2..21 by $or range, same sort', (i) => {
    const last = adminPages[i % adminPages.length]
    return c.find({ $or: [{ at: { $lt: last.at } }, { at: last.at, _id: { $lt: last._id } }] }).sort(adminSort).limit(51).toArray()
  })
  await time('find({}).sort({ _id: -1 }).limit(50)', () => c.find({}).sort({ _id: -1 }).limit(50).toArray())
  await time('find({ status }).sort({ price: -1 }).limit(50)', () => c.find({ status: 'listed' }).sort({ price: -1 }).limit(50).toArray())
  await time('findOne({ email }) (indexed equality)', (i) => c.findOne({ email: `user${(i * 7) % DOCS}@example.com` }))

  await firstRead({ email: 1 })
  const extra = Math.min(20_000, DOCS)
  const after = await insert(DOCS, DOCS + extra)
  console.log(`${extra} more documents inserted at ${after.toFixed(0)}/s (ordered keys of _id and 3 indexes kept in step)`)
} finally {
  await client.close()
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
}
