// `tao createuser` and `tao changepassword`, run as real processes on a project with the auth
// app on: from scripts (--password-stdin) and on a terminal (a pty made by script(1)), where
// the password is never echoed.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'
import { authenticate, createApp } from '@tao/core'
import { bin } from './helpers.js'

const repoModules = fileURLToPath(new URL('../../../node_modules', import.meta.url))
const site = mkdtempSync(join(tmpdir(), 'tao-users-'))
after(() => rmSync(site, { recursive: true, force: true }))
symlinkSync(repoModules, join(site, 'node_modules'), 'dir')
mkdirSync(join(site, 'apps'))
writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', private: true, type: 'module' }))
writeFileSync(join(site, 'settings.ts'), `import { defineSettings } from '@tao/core'
export default defineSettings({ logLevel: 'silent', secretKey: '${'ab'.repeat(32)}', auth: { scrypt: { cost: 1024 } } })
`)

function tao (args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: site, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TAO_DATABASE_URL: '' } })
  return { status: r.status, out: r.stdout + r.stderr }
}

async function check (username: string, password: string) {
  const app = await createApp({ root: site })
  try {
    await app.ready()
    return await authenticate(app, username, password)
  } finally {
    await app.close()
  }
}

test('createuser --superuser from a script', async () => {
  const r = tao(['createuser', '--superuser', '--username', 'admin', '--email', 'admin@example.com', '--password-stdin'], 'tall violet tram 42\n')
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /^Superuser 'admin' created\.$/m)
  const user = await check('admin', 'tall violet tram 42')
  assert.equal(user?.isSuperuser, true)
  assert.equal(user?.isStaff, true)
  assert.equal(user?.email, 'admin@example.com')
})

test('refusals: a weak password, a taken username, no terminal and no --password-stdin', () => {
  const weak = tao(['createuser', '--username', 'weak', '--password-stdin'], '12345678')
  assert.equal(weak.status, 1)
  assert.match(weak.out, /TAO_ERR_AUTH_PASSWORD_INVALID/)
  assert.match(weak.out, /entirely numeric/)
  const taken = tao(['createuser', '--username', 'ADMIN', '--password-stdin'], 'another good pass 7')
  assert.equal(taken.status, 1)
  assert.match(taken.out, /A user with the username 'ADMIN' already exists/)
  const noTty = tao(['createuser', '--username', 'x'])
  assert.equal(noTty.status, 2)
  assert.match(noTty.out, /--password-stdin/)
})

test('changepassword: sets the password; an unknown user is an error', async () => {
  const r = tao(['changepassword', 'admin', '--password-stdin'], 'new violet tram 43')
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Password of 'admin' changed/)
  assert.equal(await check('admin', 'tall violet tram 42'), null)
  assert.notEqual(await check('admin', 'new violet tram 43'), null)
  const unknown = tao(['changepassword', 'nobody', '--password-stdin'], 'whatever pass 1')
  assert.equal(unknown.status, 1)
  assert.match(unknown.out, /No user 'nobody'/)
})

test('on a terminal: asks, and never echoes the password', { skip: !existsSync('/usr/bin/script') && 'script(1) is not installed' }, async () => {
  const secret = 'hidden violet tram 44'
  const cmd = `${process.execPath} ${bin} createuser --username termuser --email t@example.com`
  // script(1) gives the command a pty; the password is typed when its prompt shows, as a
  // person would (input typed before the prompt is echoed by the terminal itself).
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: site, env: { ...process.env, TAO_DATABASE_URL: '' } })
  let out = ''
  let typed = 0
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const prompts = (out.match(/Password( \(again\))?: /g) ?? []).length
    while (typed < prompts) { typed++; child.stdin.write(`${secret}\r`) }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  assert.equal(status, 0, out)
  assert.match(out, /Password: /)
  assert.match(out, /Password \(again\): /)
  assert.match(out, /User 'termuser' created\./)
  assert.ok(!out.includes('hidden violet'), `the password was echoed:\n${out}`)
  assert.notEqual(await check('termuser', secret), null)
})
