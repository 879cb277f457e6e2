// `tao migrate`, `makemigration`, `models`, and the refusals of `tao start` and `tao check
// --deploy`, with the real binary against a real store: an embedded one started here, or the
// MongoDB of TAO_TEST_MONGODB_URL. Each test has a database of its own.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo, type EmbeddedMongo } from '@tao/embedded-mongo'
import { bin, tao, type Run } from './helpers.js'

const fixture = fileURLToPath(new URL('./fixtures/migrate', import.meta.url))
const repoModules = fileURLToPath(new URL('../../../node_modules', import.meta.url))
let store: EmbeddedMongo | null = null
let url: string
let client: MongoClient
let n = 0

before(async () => {
  if (process.env.TAO_TEST_MONGODB_URL) url = process.env.TAO_TEST_MONGODB_URL
  else {
    store = await startEmbeddedMongo({})
    url = store.uri
  }
  client = await MongoClient.connect(url)
})
after(async () => {
  await client.close()
  await store?.close()
})

/** A fresh database name, dropped after the test. */
function freshDb (t: { after: (fn: () => Promise<unknown>) => void }): { name: string, env: NodeJS.ProcessEnv } {
  const name = `tao_migrate_${process.pid}_${++n}`
  t.after(() => client.db(name).dropDatabase())
  return { name, env: { TAO_DATABASE_URL: url, TAO_DATABASE_NAME: name } }
}

/**
 * `tao ARGS` as a child process, without blocking this process: the embedded store these
 * children use answers from this process's event loop.
 */
function taoAsync (args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }) })
  })
}

test('pending migrations: --list shows them, `tao check --deploy` reports them, `tao start` refuses', async (t) => {
  const { env } = freshDb(t)
  const list = await taoAsync(['migrate', '--list'], fixture, env)
  assert.equal(list.status, 0, list.stderr)
  assert.match(list.stdout, /\[ \]\s+blog:0001_seed\s+pending\n\[ \]\s+blog:0002_titles\s+pending\n\[ \]\s+shop:0001_items\s+pending/)
  const check = await taoAsync(['check', '--deploy'], fixture, env)
  assert.match(check.stdout, /migrations\.E001: Migrations are not applied: blog:0001_seed, blog:0002_titles, shop:0001_items/)
  assert.equal(check.status, 1)
  const start = await taoAsync(['start', '--port', '0'], fixture, env)
  assert.equal(start.status, 1)
  assert.match(start.stderr, /3 migration\(s\) are not applied: blog:0001_seed, blog:0002_titles, shop:0001_items\. Run `tao migrate`.*\[TAO_ERR_MIGRATION_PENDING\]/)
})

test('two `tao migrate` processes started at once apply each migration once, in order, and create the indexes', async (t) => {
  const { name, env } = freshDb(t)
  const [one, two] = await Promise.all([taoAsync(['migrate'], fixture, env), taoAsync(['migrate'], fixture, env)])
  assert.equal(one.status, 0, one.stderr)
  assert.equal(two.status, 0, two.stderr)
  const outputs = [one.stdout, two.stdout].sort()
  assert.match(outputs.join('\n'), /Applied 3 migration\(s\)\./)
  assert.match(outputs.join('\n'), /No migrations to apply\./)
  const db = client.db(name)
  assert.deepEqual((await db.collection('runs').find().sort({ _id: 1 }).toArray()).map((r) => [r._id, r.count]),
    [['blog:0001_seed', 1], ['blog:0002_titles', 1], ['shop:0001_items', 1]])
  const order = await db.collection('order').find().toArray()
  assert.deepEqual(order.map((o) => o.name), ['blog:0001_seed', 'blog:0002_titles', 'shop:0001_items'])
  assert.equal(new Set(order.map((o) => o.pid)).size, 1, 'one process applied them all')
  assert.deepEqual((await db.collection('tao_migrations').find().toArray()).map((m) => m._id).sort(), ['blog:0001_seed', 'blog:0002_titles', 'shop:0001_items'])
  const indexes = await db.collection('posts').indexes()
  assert.deepEqual(indexes.map((i) => [i.name, i.unique ?? false]).sort(), [['_id_', false], ['at_-1', false], ['slug_1', true]])
  assert.equal(await db.collection('tao_migrations_lock').countDocuments(), 0, 'the lock was released')
  const list = await taoAsync(['migrate', '--list'], fixture, env)
  assert.match(list.stdout, /\[X\]\s+blog:0001_seed\s+\d{4}-/)
  const check = await taoAsync(['check', '--deploy'], fixture, env)
  assert.doesNotMatch(check.stdout, /migrations\.E001/)
})

test('an index no model declares is reported, and dropped only with --prune', async (t) => {
  const { name, env } = freshDb(t)
  assert.equal((await taoAsync(['migrate'], fixture, env)).status, 0)
  await client.db(name).collection('posts').createIndex({ title: 1 })
  const report = await taoAsync(['migrate'], fixture, env)
  assert.match(report.stdout, /index blog:posts\.title_1 is declared by no model; run `tao migrate --prune` to drop it/)
  assert.ok((await client.db(name).collection('posts').indexes()).some((i) => i.name === 'title_1'))
  const prune = await taoAsync(['migrate', '--prune'], fixture, env)
  assert.match(prune.stdout, /dropped index blog:posts\.title_1/)
  assert.ok(!(await client.db(name).collection('posts').indexes()).some((i) => i.name === 'title_1'))
})

test('a migration that throws stops the run with its name and file; the ones before stay applied; --rollback reverts the last', async (t) => {
  const { name, env } = freshDb(t)
  const failed = await taoAsync(['migrate'], fixture, { ...env, TAO_TEST_FAIL_SHOP: '1' })
  assert.equal(failed.status, 1)
  assert.match(failed.stderr, /Migration 'shop:0001_items' \(.*apps\/shop\/migrations\/0001_items\.ts\) failed: the items are not ready\. The migrations before it stay applied.*\[TAO_ERR_MIGRATION_FAILED\]/)
  assert.deepEqual((await client.db(name).collection('tao_migrations').find().toArray()).map((m) => m._id).sort(), ['blog:0001_seed', 'blog:0002_titles'])
  assert.equal(await client.db(name).collection('tao_migrations_lock').countDocuments(), 0, 'the lock was released after the failure')
  assert.equal((await taoAsync(['migrate'], fixture, env)).status, 0)
  const back = await taoAsync(['migrate', '--rollback'], fixture, env)
  assert.match(back.stdout, /Reverted shop:0001_items\./)
  const noDown = await taoAsync(['migrate', '--rollback'], fixture, env)
  assert.equal(noDown.status, 1)
  assert.match(noDown.stderr, /0002_titles\.ts: it has no down\(db\)/)
})

test('`tao makemigration APP NAME` writes the next empty migration; `tao models` lists the models', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tao-makemigration-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  cpSync(fixture, root, { recursive: true })
  symlinkSync(repoModules, join(root, 'node_modules'))
  writeFileSync(join(root, 'package.json'), '{ "type": "module", "private": true }\n')
  const made = tao(['makemigration', 'blog', 'add_flag'], root)
  assert.equal(made.status, 0, made.stderr)
  assert.match(made.stdout, /Created .*apps\/blog\/migrations\/0003_add_flag\.ts/)
  assert.match(readFileSync(join(root, 'apps/blog/migrations/0003_add_flag.ts'), 'utf8'), /export async function up \(db: Db\)/)
  assert.equal(tao(['makemigration', 'shop', 'first'], root).status, 0)
  assert.ok(existsSync(join(root, 'apps/shop/migrations/0002_first.ts')))
  const bad = tao(['makemigration', 'blog', 'Bad-Name'], root)
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /Invalid migration name 'Bad-Name'/)
  const unknown = tao(['makemigration', 'nope', 'x'], root)
  assert.match(unknown.stderr, /Unknown app 'nope'/)
  const models = tao(['models'], root)
  assert.equal(models.status, 0, models.stderr)
  assert.match(models.stdout, /MODEL\s+COLLECTION\s+FIELDS\s+INDEXES\nblog:posts\s+posts\s+_id, slug, title, at\s+\{"slug":1\} unique; \{"at":-1\}/)
})

test('`tao dumpdata` then `tao loaddata` copy documents between databases; a broken file is a clear error', async (t) => {
  const from = freshDb(t)
  const to = freshDb(t)
  assert.equal((await taoAsync(['migrate'], fixture, from.env)).status, 0)
  const dump = await taoAsync(['dumpdata', 'blog:posts'], fixture, from.env)
  assert.equal(dump.status, 0, dump.stderr)
  assert.match(dump.stdout, /"blog:posts": \[\n\s+\{\n\s+"_id": \{\n\s+"\$oid"/)
  const dir = mkdtempSync(join(tmpdir(), 'tao-dump-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'posts.json'), dump.stdout)
  const load = await taoAsync(['loaddata', join(dir, 'posts.json')], fixture, to.env)
  assert.equal(load.status, 0, load.stderr)
  assert.match(load.stdout, /Loaded 1 document\(s\) from .*posts\.json: blog:posts 1/)
  assert.deepEqual(await client.db(to.name).collection('posts').find().toArray(), await client.db(from.name).collection('posts').find().toArray())
  writeFileSync(join(dir, 'broken.json'), '{ "blog:posts": [ { "slug": } ] }')
  const broken = await taoAsync(['loaddata', join(dir, 'broken.json')], fixture, to.env)
  assert.equal(broken.status, 1)
  assert.match(broken.stderr, /Fixture .*broken\.json is not valid at line 1, column 29: .*\[TAO_ERR_FIXTURE_MALFORMED\]/)
})
