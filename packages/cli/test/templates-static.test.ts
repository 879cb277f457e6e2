// The project and app scaffolds render through templates and static(), their generated tests
// pass with `tao test`, and `tao collectstatic` works on them (real binary, temporary folder).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { createApp, type TaoApp } from '@tao/core'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(repo, 'packages/cli/bin/tao.js')
const tmp = mkdtempSync(join(tmpdir(), 'tao-cli-templates-'))
const site = join(tmp, 'site')
after(() => rmSync(tmp, { recursive: true, force: true }))

function tao (args: string[], cwd: string) {
  // Without NODE_TEST_CONTEXT, a nested `node --test` (tao test) reports on stdout, not to us.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...env, NODE_ENV: 'test' } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

before(() => {
  const created = tao(['new', '-p', 'site', '--no-install'], tmp)
  assert.equal(created.status, 0, created.stderr)
  symlinkSync(join(repo, 'node_modules'), join(site, 'node_modules'))
  const app = tao(['new', '-a', 'blog'], site)
  assert.equal(app.status, 0, app.stderr)
})

test('the generated pages render through templates, with hashed static URLs', async () => {
  let app: TaoApp | undefined
  try {
    app = await createApp({ root: site, env: {}, settings: { logLevel: 'silent' } })
    const home = await app.inject('/about')
    assert.equal(home.statusCode, 200)
    assert.equal(home.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(home.body, /<h1>About site<\/h1>/)
    assert.match(home.body, /<link rel="stylesheet" href="\/static\/static\/css\/site\.css\?v=[0-9a-f]{12}">/)
    const blog = await app.inject('/blog/')
    assert.equal(blog.statusCode, 200)
    assert.match(blog.body, /<title>blog<\/title>/)
    assert.match(blog.body, /href="\/static\/blog\/blog\.css\?v=[0-9a-f]{12}"/)
    const css = await app.inject(/href="(\/static\/static\/css\/site\.css\?v=\w+)"/.exec(home.body)![1]!)
    assert.equal(css.statusCode, 200)
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable')
  } finally {
    await app?.close()
  }
})

test("the generated apps' tests pass with `tao test`", () => {
  const r = tao(['test'], site)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /# pass 3/)
})

test('tao collectstatic copies, is idempotent, and refuses an output folder inside an app', () => {
  const first = tao(['collectstatic'], site)
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /^copied static\/css\/site\.css$/m)
  assert.match(first.stdout, /^copied blog\/blog\.css$/m)
  // Every file listed once, then the count: the project's, the blog's and the built-in apps'.
  const listed = first.stdout.split('\n').filter((l) => l.startsWith('copied ')).length
  assert.ok(listed >= 3, first.stdout)
  assert.match(first.stdout, new RegExp(`^${listed} copied, 0 unchanged, 0 removed in var/static \\(manifest: var/static/staticfiles\\.json\\)$`, 'm'))
  const second = tao(['collectstatic'], site)
  assert.equal(second.status, 0, second.stderr)
  assert.equal(second.stdout, `0 copied, ${listed} unchanged, 0 removed in var/static (manifest: var/static/staticfiles.json)\n`)

  const refused = tao(['collectstatic', '--out', 'apps/blog/static/collected'], site)
  assert.equal(refused.status, 2)
  assert.match(refused.stderr, /^tao: Cannot collect static files into .*apps\/blog\/static\/collected: it is inside apps\/blog; nothing was written\..*\[TAO_ERR_STATIC_OUT_INVALID\]$/m)
  assert.equal(existsSync(join(site, 'apps/blog/static/collected')), false)
  assert.deepEqual(readdirSync(join(site, 'apps/blog/static')), ['blog.css'])

  const elsewhere = tao(['collectstatic', '--out', join(tmp, 'public')], site)
  assert.equal(elsewhere.status, 0, elsewhere.stderr)
  assert.ok(existsSync(join(tmp, 'public', 'tao', 'tao.css')))
})
