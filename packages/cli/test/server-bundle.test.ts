// Issue 19 point 2: `tao build` makes a server bundle (build/.tao-server/server.cjs) that
// `tao start` runs instead of loading tao, its packages and the project module by module. It
// must behave as the build it bundles: built-in apps find their templates and static files,
// the project's code finds files next to itself, the database works; V8's code cache is made
// at the first start and made again when it is bad; a bundle older than the installed
// packages or than the build is not run as if it were current.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { buildableProject, startTao, tao } from './helpers.js'

const ROUTES = `import { existsSync, readFileSync } from 'node:fs'
import { route } from '@tao/core'

// Read next to the module (the source, or the compiled one in build/apps/blog): import.meta.url
// must still be this file's place.
const here = new URL('note.txt', import.meta.url)
const note = readFileSync(existsSync(here) ? here : new URL('../../../apps/blog/note.txt', import.meta.url), 'utf8').trim()

export const prefix = '/blog'
export default [
  route('GET', '/', async (req) => {
    await req.db.collection('visits').insertOne({ at: 1 })
    return { note, visits: await req.db.collection('visits').countDocuments() }
  }, 'index'),
]
`

const FILES: Record<string, string> = {
  'settings.ts': "import { defineSettings } from '@tao/core'\n\nexport default defineSettings({ debug: false, allowedHosts: ['127.0.0.1'], database: { url: 'memory' }, auth: true, admin: true })\n",
  'apps/blog/routes.ts': ROUTES,
  'apps/blog/note.txt': 'found next to the module\n',
}

const made = buildableProject('tao-server-bundle-', FILES)
let root = made.root
after(() => rmSync(root, { recursive: true, force: true }))

const bundleDir = () => join(root, 'build', '.tao-server')

before(() => {
  const built = tao(['build'], root)
  assert.equal(built.status, 0, built.stdout + built.stderr)
  assert.match(built.stdout, /server bundle of \d+ modules/)
})

/** Starts the project, runs `check` against its address, stops it; returns its output. */
async function withServer (check: (address: string) => Promise<void>): Promise<string> {
  const server = await startTao(['start', '--port', '0'], root)
  try {
    await check(server.address)
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0, server.output())
  return server.output()
}

async function servesEverything (address: string): Promise<void> {
  assert.deepEqual(await (await fetch(`${address}/blog/`)).json(), { note: 'found next to the module', visits: 1 })
  // Built-in apps: their routes, templates (found in @tao/core's apps folder) and static files.
  const login = await fetch(`${address}/accounts/login/`)
  assert.equal(login.status, 200)
  assert.match(await login.text(), /<form[^>]*method="post"/i)
  const css = await fetch(`${address}/static/admin/admin.css`)
  assert.equal(css.status, 200)
  assert.ok((await css.text()).length > 0)
}

test('tao start runs the server bundle; every part of the project and of the built-in apps works from it', async () => {
  rmSync(join(bundleDir(), 'server.cache'), { force: true })
  const output = await withServer(servesEverything)
  assert.match(output, /compiled build, server bundle/)
  assert.ok(existsSync(join(bundleDir(), 'server.cache')), 'the first start saved the code cache')
})

test('a code cache V8 rejects is replaced, and the start does not notice', async () => {
  writeFileSync(join(bundleDir(), 'server.cache'), 'not a code cache')
  await withServer(servesEverything)
  assert.ok(statSync(join(bundleDir(), 'server.cache')).size > 1000, 'a new cache was written')
})

test('a project moved to another folder still runs its bundle', async () => {
  const moved = join(root, '..', `${root.split('/').pop()}-moved`, 'deeper')
  mkdirSync(join(moved, '..'), { recursive: true })
  renameSync(root, moved)
  root = moved
  const output = await withServer(servesEverything)
  assert.match(output, /server bundle/)
})

test('packages installed since the build: tao start says so and runs the build without the bundle', async () => {
  writeFileSync(join(root, 'package-lock.json'), '{ "lockfileVersion": 3 }\n')
  try {
    const output = await withServer(servesEverything)
    assert.match(output, /packages were installed since `tao build`: starting without its server bundle/)
    assert.doesNotMatch(output, /server bundle\)/)
  } finally {
    rmSync(join(root, 'package-lock.json'))
  }
})

test('a module added to the build after `tao build` stops the start with TAO_ERR_BUILD_STALE, naming it', async () => {
  const extra = "import { route } from '@tao/core'\nexport default [route('GET', '/', async () => 'extra', 'index')]\n"
  mkdirSync(join(root, 'apps', 'extra'))
  writeFileSync(join(root, 'apps', 'extra', 'routes.ts'), extra)
  mkdirSync(join(root, 'build', 'apps', 'extra'))
  writeFileSync(join(root, 'build', 'apps', 'extra', 'routes.js'), extra)
  try {
    const r = tao(['start', '--port', '0'], root)
    assert.notEqual(r.status, 0)
    assert.match(r.stderr, /build\/apps\/extra\/routes\.js is not in the server bundle `tao build` made.*\[TAO_ERR_BUILD_STALE\]/)
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a message, not a stack trace')
  } finally {
    rmSync(join(root, 'apps', 'extra'), { recursive: true })
    rmSync(join(root, 'build', 'apps', 'extra'), { recursive: true })
  }
})

test('a module esbuild cannot bundle (top-level await) leaves the build without a bundle, and tao start runs it', async () => {
  const routes = join(root, 'apps', 'blog', 'routes.ts')
  const original = readFileSync(routes, 'utf8')
  writeFileSync(routes, original.replace("export const prefix = '/blog'", "export const prefix = await Promise.resolve('/blog')"))
  try {
    const built = tao(['build'], root)
    assert.equal(built.status, 0, built.stdout + built.stderr)
    assert.match(built.stderr, /no server bundle made, so `tao start` loads the build module by module/)
    assert.ok(!existsSync(bundleDir()))
    const output = await withServer(servesEverything)
    assert.doesNotMatch(output, /server bundle/)
  } finally {
    writeFileSync(routes, original)
  }
})
