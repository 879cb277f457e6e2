// The deploy/ files of a new project and `tao check` on it, as a newcomer would run them.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { tao } from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'tao-deploy-'))
const site = join(tmp, 'site')
const production = { NODE_ENV: 'production' }
after(() => rmSync(tmp, { recursive: true, force: true }))

before(() => {
  const r = tao(['new', '-p', 'site', '--no-install'], tmp)
  assert.equal(r.status, 0, r.stderr)
  // The checkout's packages stand in for `npm install`.
  symlinkSync(fileURLToPath(new URL('../../../node_modules', import.meta.url)), join(site, 'node_modules'))
})

test('tao new -p writes deploy/nginx.conf and deploy/<project>.service with the names filled in', () => {
  const nginx = readFileSync(join(site, 'deploy', 'nginx.conf'), 'utf8')
  const unit = readFileSync(join(site, 'deploy', 'site.service'), 'utf8')
  for (const text of [nginx, unit]) assert.doesNotMatch(text, /%[a-z_]+%|__project_name__/)
  assert.match(nginx, /upstream site_tao \{\n\s+server unix:\/run\/site\/tao\.sock;/)
  assert.match(nginx, /location \/static\/ \{\n\s+alias \/srv\/site\/var\/static\/;/)
  assert.match(nginx, /proxy_set_header Upgrade \$http_upgrade;/)
  assert.match(nginx, /proxy_set_header X-Forwarded-Proto \$scheme;/)
  // The node that generated the unit runs it (the path of the machine's own node).
  assert.ok(unit.includes(`\nExecStart=${process.execPath} /srv/site/node_modules/@tao/cli/bin/tao.js start --socket /run/site/tao.sock --socket-mode 660\n`), unit)
  // Hashed static URLs (?v=<hash>) are immutable for a year, others kept an hour; one header.
  assert.match(nginx, /map \$arg_v \$site_static_cache \{\n\s+''\s+"public, max-age=3600";\n\s+default "public, max-age=31536000, immutable";\n\s*\}/)
  assert.match(nginx, /add_header Cache-Control \$site_static_cache always;/)
  assert.doesNotMatch(nginx, /^\s*expires /m, 'expires would add a second Cache-Control header')
  assert.match(unit, /^Restart=on-failure$/m)
  assert.match(unit, /^KillSignal=SIGTERM$/m)
  assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m)
})

test('tao check passes on a new project: its deploy/ files agree with its settings', () => {
  const r = tao(['check'], site, production)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.equal(r.stdout, 'System check identified no issues (0 silenced).\n')
})

test('tao check --deploy lists what a first deployment still needs, with hints, and exits 0', () => {
  const r = tao(['check', '--deploy'], site, production)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /^WARNINGS:$/m)
  for (const id of ['security.W004', 'database.W003', 'static.W002']) assert.match(r.stdout, new RegExp(`^${id.replace('.', '\\.')}: `, 'm'))
  assert.match(r.stdout, /static\.W002: deploy\/nginx\.conf serves \/static\/ from \/srv\/site\/var\/static\/, which does not exist or is empty\.\n\tHINT: Run `tao collectstatic`/)
  assert.match(r.stdout, /^System check identified 3 issues \(0 silenced\)\.$/m)
  const json = JSON.parse(tao(['check', '--deploy', '--json'], site, production).stdout)
  assert.deepEqual(json.findings.map((f: { id: string }) => f.id), ['database.W003', 'security.W004', 'static.W002'])
})

test('tao check --deploy without a secret key reports security.E001 and the boot error, exit 1', () => {
  const env = join(site, '.env')
  const saved = readFileSync(env, 'utf8')
  writeFileSync(env, '# no key\n')
  try {
    const r = tao(['check', '--deploy'], site, { ...production, TAO_SECRET_KEY: '' })
    assert.equal(r.status, 1)
    assert.match(r.stdout, /^ERRORS:\nsecurity\.E001: No secret key is set/m)
    assert.match(r.stderr, /\[TAO_ERR_SESSION_KEY_MISSING\]/)
  } finally {
    writeFileSync(env, saved)
  }
})

test('silenced ids are counted, not shown', () => {
  const settings = join(site, 'settings.ts')
  const saved = readFileSync(settings, 'utf8')
  writeFileSync(settings, saved.replace('debug: false,', "debug: false,\n  checks: { silence: ['database.W003', 'static.W002'] },"))
  try {
    const r = tao(['check', '--deploy'], site, production)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^System check identified 1 issue \(2 silenced\)\.$/m)
  } finally {
    writeFileSync(settings, saved)
  }
})

// Regression for #13: an all-zero key started in production with a warning, and `tao check
// --deploy` exited 0 on it.
test('tao check --deploy with a low-entropy key reports security.E002 and the boot refusal, exit 1', () => {
  const r = tao(['check', '--deploy'], site, { ...production, TAO_SECRET_KEY: '0'.repeat(64) })
  assert.equal(r.status, 1, r.stdout + r.stderr)
  assert.match(r.stdout, /^ERRORS:\nsecurity\.E002: The secret key is low-entropy: it is one byte repeated\./m)
  assert.match(r.stderr, /\[TAO_ERR_SESSION_KEY_WEAK\]/)
})

test('tao check --fail-level, as Django: WARNING makes warnings fail, a bad level is refused', () => {
  assert.equal(tao(['check', '--deploy'], site, production).status, 0)
  assert.equal(tao(['check', '--deploy', '--fail-level', 'ERROR'], site, production).status, 0)
  const warned = tao(['check', '--deploy', '--fail-level', 'WARNING'], site, production)
  assert.equal(warned.status, 1, warned.stderr)
  assert.match(warned.stdout, /^WARNINGS:$/m)
  assert.equal(tao(['check', '--fail-level', 'warning'], site, production).status, 0, 'no finding without --deploy')
  const bad = tao(['check', '--fail-level', 'LOUD'], site, production)
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /Invalid value 'LOUD' for --fail-level: expected ERROR, WARNING or INFO/)
})
