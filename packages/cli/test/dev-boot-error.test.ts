// `tao dev` when the project cannot start: the Youch debug page (as for errors in views) with
// the project's own failing line as the first, expanded frame, whatever failed (the compiler,
// a throw in routes.ts or settings.ts, tao's own check of a routes module), served until the
// code is fixed. The server runs as tao dev's child does (TAO_DEV_CHILD=1, debug on).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fixtureCopy, startTao, until } from './helpers.js'

let root: string
let cleanup = () => {}
before(() => { ({ root, cleanup } = fixtureCopy('debug-toolbar', 'tao-boot-error-')) })
after(() => cleanup())

const CHILD = { TAO_DEBUG: 'true', TAO_DEV_CHILD: '1', TAO_DATABASE_URL: 'memory' }

/** The first expanded frame of a Youch page: its file (relative to the project) and line. */
function firstFrame (html: string): { file: string, line: string } {
  const m = /<li class="stack-frame stack-frame-app expanded">[\s\S]*?title="([^"]+)"[\s\S]*?at line <code>(\d+):\d+<\/code>/.exec(html)
  assert.ok(m, 'an expanded frame of the project\'s code')
  return { file: m[1]!, line: m[2]! }
}

/** Breaks `rel` with `change`, starts the server, and returns its page; restores the file. */
async function bootPage (rel: string, change: (src: string) => string): Promise<{ html: string, res: Response, output: string }> {
  const file = join(root, rel)
  const original = readFileSync(file, 'utf8')
  writeFileSync(file, change(original))
  const server = await startTao(['start', '--source', '--port', '0'], root, CHILD)
  try {
    const res = await fetch(`${server.address}/`)
    return { html: await res.text(), res, output: server.output() }
  } finally {
    writeFileSync(file, original)
    server.child.kill('SIGTERM')
    await server.exited
  }
}

test('a syntax error: the compiler names the place; it is the first frame, with its source', async () => {
  const { html, res, output } = await bootPage('apps/pages/views.ts', (src) => `${src}\nexport const broken = ;\n`)
  const line = readFileSync(join(root, 'apps/pages/views.ts'), 'utf8').split('\n').length + 1
  assert.equal(res.status, 500)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const csp = res.headers.get('content-security-policy')!
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!
  assert.match(csp, /default-src 'none'/)
  assert.doesNotMatch(csp, /script-src[^;]*unsafe/)
  assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`))
  assert.match(html, /<meta http-equiv="refresh" content="2">/)
  assert.deepEqual(firstFrame(html), { file: 'apps/pages/views.ts', line: String(line) })
  assert.match(html, /export<\/span> <span class="shj-syn-kwd">const<\/span> broken <span class="shj-syn-oper">=<\/span> ;/)
  assert.match(html, /Fix the code and save: tao dev restarts the server/)
  assert.match(output, new RegExp(`the project failed to start in apps/pages/views\\.ts:${line}`))
})

test('a throw in routes.ts: the error, its cause chain, and the throwing line first', async () => {
  const { html } = await bootPage('apps/pages/routes.ts', (src) => src.replace("export const prefix = ''", "export const prefix = ''\nif (prefix === '') throw new Error('routes exploded')"))
  assert.match(html, /TAO_ERR_APP_IMPORT/)
  assert.match(html, /routes exploded/)
  const frame = firstFrame(html)
  assert.equal(frame.file, 'apps/pages/routes.ts')
  const lines = readFileSync(join(root, 'apps/pages/routes.ts'), 'utf8').split('\n')
  assert.equal(Number(frame.line), lines.findIndex((l) => l.startsWith("export const prefix = ''")) + 2)
})

test('a throw in settings.ts', async () => {
  const { html } = await bootPage('settings.ts', (src) => `throw new Error('settings exploded')\n${src}`)
  assert.match(html, /settings exploded/)
  assert.deepEqual(firstFrame(html), { file: 'settings.ts', line: '1' })
})

test('an invalid setting: the problem named, settings.ts shown at its defineSettings', async () => {
  const { html } = await bootPage('settings.ts', (src) => src.replace("logLevel: 'silent'", "logLevel: 'loud'"))
  assert.match(html, /TAO_ERR_SETTINGS_INVALID/)
  assert.match(html, /logLevel: expected one of/)
  const lines = readFileSync(join(root, 'settings.ts'), 'utf8').split('\n')
  assert.deepEqual(firstFrame(html), { file: 'settings.ts', line: String(lines.findIndex((l) => l.startsWith('export default')) + 1) })
})

test("tao's own check of a routes module: its default export is shown", async () => {
  const { html } = await bootPage('apps/pages/routes.ts', (src) => src.replace('export default [', 'export default 42\nexport const unused = ['))
  assert.match(html, /TAO_ERR_APP_ROUTES_INVALID/)
  assert.match(html, /its default export is number/)
  const frame = firstFrame(html)
  assert.equal(frame.file, 'apps/pages/routes.ts')
  const lines = readFileSync(join(root, 'apps/pages/routes.ts'), 'utf8').split('\n')
  assert.equal(Number(frame.line), lines.findIndex((l) => l.startsWith('export default')) + 1)
})

test('tao dev serves the page until the code is fixed, then the site', async () => {
  const routes = join(root, 'apps/pages/routes.ts')
  const original = readFileSync(routes, 'utf8')
  writeFileSync(routes, `throw new Error('not yet')\n${original}`)
  const server = await startTao(['dev', '--port', '0'], root, { TAO_DATABASE_URL: 'memory' })
  const address = () => [...server.output().matchAll(/tao: serving (\S+)/g)].at(-1)![1]
  try {
    const broken = await fetch(`${address()}/`)
    assert.equal(broken.status, 500)
    assert.match(await broken.text(), /not yet/)
    writeFileSync(routes, original)
    await until(async () => (await fetch(`${address()}/`)).status === 200, 45_000, 'the fixed site')
  } finally {
    writeFileSync(routes, original)
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0)
})
