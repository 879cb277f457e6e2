// `tao shell`: the project loaded in Node's REPL (under a real pseudo-terminal, through
// util-linux's `script`), and `tao shell -c` / piped code for scripts.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { bin, fixtureCopy } from './helpers.js'

const env = { ...process.env, TAO_DATABASE_URL: 'memory', NO_COLOR: '1' }
let root: string
let cleanup = () => {}
before(() => { ({ root, cleanup } = fixtureCopy('i18n', 'tao-shell-')) })
after(() => cleanup())

test('tao shell -c runs code with the project in scope, awaiting what it awaits', () => {
  const code = "const r = await db.collection('t').insertOne({ a: 1 }); console.log(r.acknowledged, await db.collection('t').countDocuments(), url('blog:index'), Object.keys(apps).includes('blog'), typeof render)"
  const r = spawnSync(process.execPath, [bin, 'shell', '-c', code], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'true 1 /blog/ true function')
})

test('code piped on standard input runs the same way; a throw exits non-zero', () => {
  const ok = spawnSync(process.execPath, [bin, 'shell'], { cwd: root, env, encoding: 'utf8', input: "console.log(settings.languages.join(','))\n", timeout: 60_000 })
  assert.equal(ok.stdout.trim(), 'en,fr,pt-BR')
  const bad = spawnSync(process.execPath, [bin, 'shell', '-c', "throw new Error('boom')"], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
  assert.equal(bad.status, 1)
  assert.match(bad.stderr, /Error: boom/)
})

test('on a terminal it is a REPL with top-level await, and keeps a history per project', { skip: !existsSync('/usr/bin/script') && 'util-linux script is missing' }, async () => {
  const child = spawn('script', ['-qfec', `${process.execPath} ${bin} shell`, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const waitFor = async (re: RegExp) => {
    const end = Date.now() + 60_000
    while (!re.test(out)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; output:\n${out}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  await waitFor(/tao> /)
  assert.match(out, /app, settings, apps, models, db, mongo, url, render, ObjectId are ready/)
  child.stdin.write("(await db.collection('t').insertOne({ b: 2 })).acknowledged ? 'inserted-' + 41 : 'no'\r")
  await waitFor(/'inserted-41'/)
  child.stdin.write('.exit\r')
  const code = await new Promise((resolve) => child.once('exit', resolve))
  assert.equal(code, 0)
  assert.match(readFileSync(join(root, 'var', 'shell_history'), 'utf8'), /insertOne/)
})
