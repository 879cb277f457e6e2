// A project made by `tao new -p` is taken away: copied to a fresh folder with no path back to
// this checkout and run with no network, as on a server that has neither tao nor a registry
// with tao: `npm ci --offline` (npm's cache stands in for the registry's third-party
// packages), `npm test`, then `tao start` answering a page. Needs root for `unshare -n`.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'
import { bin } from './helpers.js'

const checkout = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '')
const tmp = mkdtempSync(join(tmpdir(), 'tao-portable-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

/** Runs a shell command in a new network namespace with only loopback up. */
function offline (script: string, cwd: string) {
  return spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && ${script}`], { cwd, encoding: 'utf8', timeout: 180_000 })
}

const canUnshare = offline('true', tmpdir()).status === 0

// Inside the namespace: start the project's own tao, fetch /, stop it with SIGTERM.
const FETCH_PAGE = `
import { spawn } from 'node:child_process'
const child = spawn('node_modules/.bin/tao', ['start', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
let out = ''
child.stdout.on('data', async (chunk) => {
  out += chunk
  const m = /tao: serving (\\S+).*/.exec(out)
  if (!m || out.includes('FETCHED')) return
  out += 'FETCHED'
  console.log('SERVING ' + m[0])
  const res = await fetch(m[1] + '/')
  console.log('STATUS ' + res.status + ' ' + (await res.text()).includes('It worked'))
  child.kill('SIGTERM')
})
child.on('exit', (code) => console.log('EXIT ' + code))
`

test('a new project installs with npm ci, passes its tests and serves pages in a copy with no checkout and no network', { skip: !canUnshare && 'needs `unshare -n` (root) to cut the network' }, () => {
  // Made with no network at all: npm installs from its cache (npm install --offline).
  const made = offline(`${process.execPath} ${bin} new -p site`, tmp)
  assert.equal(made.status, 0, made.stdout + made.stderr)
  assert.match(made.stdout, /^installing dependencies from npm's cache \(npm install --offline in site\) \.\.\.$/m)
  assert.doesNotMatch(made.stdout, /installing from the registry/, 'the cache was enough')
  assert.match(made.stdout, /^\[3\/3\] installing dependencies \.\.\.$/m)
  assert.match(made.stdout, /^Project site is ready in site\/ \([\d.]+ s\)\. Next:$/m)

  // The copy: everything but node_modules, in a folder that is not below the checkout.
  const copy = join(mkdtempSync(join(tmp, 'server-')), 'site')
  cpSync(join(tmp, 'site'), copy, { recursive: true, filter: (src) => !src.includes('/node_modules') })
  for (const file of ['package.json', 'package-lock.json']) {
    assert.ok(!readFileSync(join(copy, file), 'utf8').includes(checkout), `${file} names no path in the checkout`)
  }
  writeFileSync(join(copy, 'fetch-page.mjs'), FETCH_PAGE)

  const ci = offline('npm ci --offline --no-audit --no-fund', copy)
  assert.equal(ci.status, 0, ci.stdout + ci.stderr)
  const tests = offline('npm test', copy)
  assert.equal(tests.status, 0, tests.stdout + tests.stderr)
  assert.match(tests.stdout, /^# fail 0$/m)
  const served = offline('node fetch-page.mjs', copy)
  assert.equal(served.status, 0, served.stderr)
  assert.match(served.stdout, /^STATUS 200 true$/m)
  assert.match(served.stdout, /^EXIT 0$/m)

  // Built (tsc, templates, the server bundle with esbuild from the project's own install), then
  // moved to another folder with its node_modules: `tao start` runs the bundle there.
  const built = offline('npm run build', copy)
  assert.equal(built.status, 0, built.stdout + built.stderr)
  assert.match(built.stdout, /server bundle of \d+ modules/)
  const moved = join(tmp, 'moved', 'site')
  mkdirSync(join(moved, '..'))
  renameSync(copy, moved)
  for (let i = 0; i < 2; i++) { // the second start runs from the code cache the first one saved
    const bundled = offline('node fetch-page.mjs', moved)
    assert.equal(bundled.status, 0, bundled.stderr)
    assert.match(bundled.stdout, /^SERVING tao: serving \S+ \(apps: .*compiled build, server bundle\)$/m)
    assert.match(bundled.stdout, /^STATUS 200 true$/m)
    assert.match(bundled.stdout, /^EXIT 0$/m)
  }
})

test('tao upgrade packs this tao into vendor/ again and reinstalls it, offline', { skip: !canUnshare && 'needs `unshare -n` (root) to cut the network' }, () => {
  const site = join(tmp, 'site')
  const before = readFileSync(join(site, 'package.json'), 'utf8')
  writeFileSync(join(site, 'vendor', 'tao-old-0.0.1.tgz'), 'an older tao')
  const r = offline(`${process.execPath} ${bin} upgrade`, site)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /^vendored tao 0\.1\.0: vendor\/tao-embedded-mongo-0\.1\.0\.tgz, vendor\/tao-core-0\.1\.0\.tgz, vendor\/tao-cli-0\.1\.0\.tgz$/m)
  assert.match(r.stdout, /^upgraded: run `npm test`/m)
  assert.deepEqual(readdirSync(join(site, 'vendor')), ['tao-cli-0.1.0.tgz', 'tao-core-0.1.0.tgz', 'tao-embedded-mongo-0.1.0.tgz'], 'old tarballs are removed')
  assert.equal(readFileSync(join(site, 'package.json'), 'utf8'), before)
  const lock = JSON.parse(readFileSync(join(site, 'package-lock.json'), 'utf8'))
  assert.equal(lock.packages['node_modules/@tao/core'].resolved, 'file:vendor/tao-core-0.1.0.tgz')
  const tests = offline('npm ci --offline --no-audit --no-fund && npm test', site)
  assert.equal(tests.status, 0, tests.stdout + tests.stderr)
})
