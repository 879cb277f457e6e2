// The admin's list page on a big collection (not part of `npm test`). Build first
// (`npx tsc -b`), then:
//   node --import tsx bench/admin.mjs [--docs 100000] [--requests 40]
// Fills the fixture admin-site's products (in memory; createTestApp makes the model's indexes), logs a
// superuser in, and times sequential GETs of the list page over real HTTP: the first page
// (default ordering, an indexed sort), a page deep in the collection (range pagination: no
// skip), the list sorted by another indexed column, and a filtered list. Reports p50 and p90
// per case; the goal is p50 under 150 ms for the first three. Bounded in count and time.
import { fileURLToPath } from 'node:url'
import { createUser } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}
const DOCS = arg('docs', 100_000)
const REQUESTS = arg('requests', 40)
const DEADLINE = Date.now() + 10 * 60_000
const fixture = fileURLToPath(new URL('../packages/core/test/fixtures/admin-site', import.meta.url))

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]

const app = await createTestApp({ root: fixture, settings: { admin: { perPage: 50 } } })
try {
  const products = app.db.collection('shop_products')
  const t0 = performance.now()
  for (let i = 0; i < DOCS; i += 1000) {
    await products.insertMany(Array.from({ length: Math.min(1000, DOCS - i) }, (_, j) => {
      const n = i + j
      return {
        name: `Product ${String(n).padStart(6, '0')}`,
        sku: `SKU-${n}`,
        price: n % 500,
        stock: n % 17,
        active: n % 3 !== 0,
        status: ['draft', 'listed', 'retired'][n % 3],
        releasedAt: new Date(Date.UTC(2020, 0, 1) + n * 60_000),
        tags: ['bench'],
      }
    }))
  }
  console.log(`${DOCS.toLocaleString('en-US')} products inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const boss = await createUser(app, { username: 'bench', password: 'correct horse battery', isStaff: true, isSuperuser: true })
  const client = new TestClient(app)
  await client.login(boss)
  const cookie = [...client.cookies].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('; ')
  const base = await app.listen({ port: 0, host: '127.0.0.1' })

  const get = async (path) => {
    const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' })
    const body = await res.text()
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`)
    return body
  }
  // A cursor about half way through: follow "Next" from a page whose cursor we build by
  // reading one document in the middle (as a user would after many clicks).
  const middle = await products.find({}).sort({ releasedAt: -1, _id: -1 }).skip(Math.floor(DOCS / 2)).limit(1).next()
  const { BSON } = await import('mongodb')
  const deep = Buffer.from(BSON.EJSON.stringify({ v: middle.releasedAt, i: middle._id }, { relaxed: false })).toString('base64url')
  const cases = [
    ['first page (ordering -releasedAt, indexed)', '/admin/shop/products/'],
    ['a page half way (range pagination)', `/admin/shop/products/?o=-releasedAt&after=${deep}`],
    ['sorted by name (indexed)', '/admin/shop/products/?o=name'],
    ['filtered by status (count of matches)', '/admin/shop/products/?status=listed'],
  ]
  console.log(`${REQUESTS} sequential requests per case, after 3 warm-up requests`)
  for (const [label, path] of cases) {
    for (let i = 0; i < 3; i++) await get(path)
    const times = []
    for (let i = 0; i < REQUESTS && Date.now() < DEADLINE; i++) {
      const t = performance.now()
      const body = await get(path)
      times.push(performance.now() - t)
      if (!body.includes('<table class="results">')) throw new Error(`${path}: not a list page`)
    }
    console.log(`${label.padEnd(44)} p50 ${quantile(times, 0.5).toFixed(1).padStart(7)} ms   p90 ${quantile(times, 0.9).toFixed(1).padStart(7)} ms   (${times.length} requests)`)
  }
} finally {
  await app.close()
}
