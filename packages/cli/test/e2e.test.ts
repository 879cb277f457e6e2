// End to end, as a newcomer would: the real `tao` binary creates a project (with its real
// `npm install`) and an app, serves them, lists routes, builds, runs the project's own tests,
// reloads on change, and stops on SIGTERM with exit code 0.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTao, tao, until } from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'tao-e2e-'))
const site = join(tmp, 'site')
after(() => rmSync(tmp, { recursive: true, force: true }))

before(() => {
  const created = tao(['new', '-p', 'site'], tmp)
  assert.equal(created.status, 0, created.stdout + created.stderr)
  assert.ok(existsSync(join(site, 'node_modules', '@tao', 'core')), 'npm install linked @tao/core')
  const app = tao(['new', '-a', 'blog'], site)
  assert.equal(app.status, 0, app.stderr)
})

test('tao start serves both apps and exits 0 on SIGTERM', async () => {
  const server = await startTao(['start', '--port', '0'], site)
  try {
    assert.match(server.output(), /apps: blog, home; TypeScript sources/)
    const home = await fetch(`${server.address}/`)
    assert.equal(home.status, 200)
    // No route of the project answers / yet: tao's welcome page does, with the next steps.
    const welcome = await home.text()
    assert.match(welcome, /<h1>It worked! tao is running\.<\/h1>/)
    assert.match(welcome, /npx tao new -a blog[\s\S]*npx tao routes[\s\S]*npx tao check --deploy/)
    assert.doesNotMatch(welcome, /Apps: <code>/, 'a production server does not list its apps and routes')
    const blog = await fetch(`${server.address}/blog/`)
    assert.equal(blog.status, 200)
    assert.match(await blog.text(), /blog/)
    const missing = await fetch(`${server.address}/nope`, { headers: { accept: 'application/json' } })
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { error: string }).error, 'Not Found')
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
})

test('tao routes prints method, path, name and app', () => {
  const r = tao(['routes'], site)
  assert.equal(r.status, 0, r.stderr)
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/))
  assert.deepEqual(lines[0], ['METHOD', 'PATH', 'NAME', 'APP'])
  assert.deepEqual(lines.slice(1).sort(), [['GET', '/about', 'home:about', 'home'], ['GET', '/blog/', 'blog:index', 'blog']])
  const json = JSON.parse(tao(['routes', '--json'], site).stdout)
  assert.deepEqual(json.map((r: { name: string }) => r.name).sort(), ['blog:index', 'home:about'])
})

test("the project's own tests pass with npm test (tao test)", () => {
  const r = tao(['test'], site)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /# pass 3/)
})

test('tao types makes an unknown route name a compile error in the project', () => {
  assert.equal(tao(['types'], site).status, 0)
  assert.match(readFileSync(join(site, '.tao', 'routes.d.ts'), 'utf8'), /"blog:index": \{ \}/)
  const ok = tao(['build', '--no-emit'], site)
  assert.equal(ok.status, 0, ok.stdout + ok.stderr)
  // The project's own compiler agrees: the generated project type-checks with tsc --noEmit.
  const tsc = spawnSync(process.execPath, [join(site, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'], { cwd: site, encoding: 'utf8' })
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
  const file = join(site, 'apps', 'blog', 'typo.ts')
  writeFileSync(file, "import type { TaoApp } from '@tao/core'\nexport const u = (app: TaoApp) => app.url('blog:indx')\n")
  try {
    const bad = tao(['build', '--no-emit'], site)
    assert.equal(bad.status, 2)
    assert.match(bad.stdout, /typo\.ts.*'"blog:indx"' is not assignable/)
  } finally {
    rmSync(file)
  }
})

test('tao build compiles the project and tao start then runs plain JavaScript', async () => {
  const built = tao(['build'], site)
  assert.equal(built.status, 0, built.stdout + built.stderr)
  assert.ok(existsSync(join(site, 'build', 'apps', 'blog', 'routes.js')))
  const server = await startTao(['start', '--port', '0'], site)
  try {
    assert.match(server.output(), /compiled build/)
    assert.equal((await fetch(`${server.address}/blog/`)).status, 200)
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
  rmSync(join(site, 'build'), { recursive: true })
})

test('tao dev restarts the server when code changes', async () => {
  const views = join(site, 'apps', 'blog', 'views.ts')
  const original = readFileSync(views, 'utf8')
  const server = await startTao(['dev', '--port', '0'], site)
  try {
    assert.match(server.output(), /debug on/)
    // With port 0 each restart gets a new port; follow the newest "serving" line.
    const address = () => [...server.output().matchAll(/tao: serving (\S+)/g)].at(-1)![1]
    writeFileSync(views, original.replace("title: 'blog'", "title: 'blog was reloaded'"))
    await until(async () => /was reloaded/.test(await (await fetch(`${address()}/blog/`)).text()), 45_000, 'the reloaded page')
  } finally {
    writeFileSync(views, original)
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
})

test('tao dev logs one human line per request (pino-pretty), static files only when they fail', async () => {
  const server = await startTao(['dev', '--port', '0'], site)
  try {
    const page = await (await fetch(`${server.address}/blog/`)).text()
    const css = /href="(\/static\/blog\/blog\.css[^"]*)"/.exec(page)![1]!
    assert.equal((await fetch(`${server.address}${css}`)).status, 200)
    assert.equal((await fetch(`${server.address}/static/blog/none.css`)).status, 404)
    await until(async () => /GET \/static\/blog\/none\.css 404/.test(server.output()), 10_000, 'the 404 line')
    const out = server.output()
    assert.match(out, /^\[\d\d:\d\d:\d\d\] INFO: GET \/blog\/ 200 [\d.]+ ms$/m)
    assert.match(out, /^\[\d\d:\d\d:\d\d\] WARN: GET \/static\/blog\/none\.css 404 [\d.]+ ms$/m)
    assert.doesNotMatch(out, /GET \/static\/blog\/blog\.css/, 'a static file served fast is not logged')
    assert.doesNotMatch(out, /^\{"level"/m, 'no JSON lines under tao dev')
    assert.doesNotMatch(out, /incoming request|request completed/)
    // The vendored @tao/core carries tao's guides: under debug the welcome page links them.
    assert.match(await (await fetch(`${server.address}/`)).text(), /href="\/-\/docs\/tutorial\/blog\.md"/)
    const guide = await fetch(`${server.address}/-/docs/tutorial/blog.md`)
    assert.equal(guide.status, 200)
    assert.match(await guide.text(), /<h1 id="[^"]+">/)
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
  // Production keeps JSON lines; TAO_LOG_FORMAT switches either way.
  const prod = await startTao(['start', '--port', '0'], site, { TAO_LOG_FORMAT: 'json' })
  try {
    await fetch(`${prod.address}/blog/`)
    await until(async () => /"msg":"request completed"/.test(prod.output()), 10_000, 'the JSON request line')
  } finally {
    prod.child.kill('SIGTERM')
  }
  assert.equal(await prod.exited, 0)
})

test('tao dev serves the compile error (file, line, code) and recovers when the file is fixed', async () => {
  const views = join(site, 'apps', 'blog', 'views.ts')
  const original = readFileSync(views, 'utf8')
  const server = await startTao(['dev', '--port', '0'], site)
  const address = () => [...server.output().matchAll(/tao: serving (\S+)/g)].at(-1)![1]
  try {
    writeFileSync(views, original + '\nexport const broken = ;\n')
    const line = original.split('\n').length + 1
    await until(async () => (await fetch(`${address()}/blog/`)).status === 500, 45_000, 'the error page')
    const page = await (await fetch(`${address()}/blog/`)).text()
    // The Youch debug page, the failing line of the project's own file as the first frame.
    assert.match(page, new RegExp(`<li class="stack-frame stack-frame-app expanded">[\\s\\S]*?title="apps/blog/views\\.ts"[\\s\\S]*?at line <code>${line}:`))
    assert.match(page, /broken <span class="shj-syn-oper">=<\/span> ;/)
    assert.match(page, /<meta http-equiv="refresh"/)
    writeFileSync(views, original)
    await until(async () => (await fetch(`${address()}/blog/`)).status === 200, 45_000, 'the fixed page')
  } finally {
    writeFileSync(views, original)
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
})
