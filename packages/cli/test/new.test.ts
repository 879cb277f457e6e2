import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'
import { tao } from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'tao-new-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

function tree (dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? tree(p, base) : [p.slice(base.length + 1)]
  }).sort()
}

test('tao new -p writes the project template, a fresh secret key, and says what is next', () => {
  const r = tao(['new', '-p', 'site', '--no-install'], tmp)
  assert.equal(r.status, 0, r.stderr)
  const files = tree(join(tmp, 'site'))
  for (const f of ['.env', '.env.example', '.gitignore', 'package.json', 'settings.ts', 'tsconfig.json', 'README.md', 'apps/home/routes.ts', 'apps/home/views.ts', 'apps/home/test/home.test.ts', 'templates/base.html']) {
    assert.ok(files.includes(f), `missing ${f}`)
    assert.match(r.stdout, new RegExp(`^created site/${f.replace(/\./g, '\\.')}$`, 'm'))
  }
  assert.ok(!files.some((f) => f.endsWith('.tpl')), 'template suffixes are removed')
  assert.match(r.stdout, /^\[1\/3\] copying the project template to site\/ \.\.\.$/m)
  assert.match(r.stdout, /^\[2\/3\] packing this tao into site\/vendor\//m)
  assert.match(r.stdout, /^\[3\/3\] skipped npm install \(--no-install\)$/m)
  assert.match(r.stdout, /cd site && npm install\n {2}npm run dev /)
  const env = readFileSync(join(tmp, 'site', '.env'), 'utf8')
  assert.match(env, /^TAO_SECRET_KEY=[0-9a-f]{64}$/m)
  assert.match(readFileSync(join(tmp, 'site', '.env.example'), 'utf8'), /^TAO_SECRET_KEY=$/m)
  assert.match(readFileSync(join(tmp, 'site', '.gitignore'), 'utf8'), /^\.env$/m)
  const pkg = JSON.parse(readFileSync(join(tmp, 'site', 'package.json'), 'utf8'))
  assert.equal(pkg.name, 'site')
  // tao is vendored: the project points at tarballs inside itself, never back at this checkout.
  assert.deepEqual(pkg.dependencies, {
    '@tao/cli': 'file:vendor/tao-cli-0.1.0.tgz',
    '@tao/core': 'file:vendor/tao-core-0.1.0.tgz',
    '@tao/embedded-mongo': 'file:vendor/tao-embedded-mongo-0.1.0.tgz',
  })
  assert.deepEqual(readdirSync(join(tmp, 'site', 'vendor')), ['tao-cli-0.1.0.tgz', 'tao-core-0.1.0.tgz', 'tao-embedded-mongo-0.1.0.tgz'])
  assert.deepEqual(Object.keys(pkg.scripts).sort(), ['build', 'check', 'dev', 'start', 'test', 'typecheck'])
  assert.match(readFileSync(join(tmp, 'site', 'apps', 'home', 'views.ts'), 'utf8'), /Welcome to site/)
  assert.match(readFileSync(join(tmp, 'site', 'apps', 'home', 'routes.ts'), 'utf8'), /^ {2}\/\/ route\('GET', '\/', views\.index, 'index'\),$/m, "'/' is left to tao's welcome page")

  const second = tao(['new', '--startproject', 'other', '--no-install', '--tao-version', '1.2.3'], tmp)
  assert.equal(second.status, 0, second.stderr)
  const otherEnv = readFileSync(join(tmp, 'other', '.env'), 'utf8')
  assert.notEqual(otherEnv, env, 'every project gets its own key')
  assert.deepEqual(JSON.parse(readFileSync(join(tmp, 'other', 'package.json'), 'utf8')).dependencies, { '@tao/cli': '^1.2.3', '@tao/core': '^1.2.3' })
  assert.ok(!existsSync(join(tmp, 'other', 'vendor')), 'a registry version vendors nothing')
})

test('tao new refuses bad names and existing targets with exit code 2, one line, nothing written', () => {
  mkdirSync(join(tmp, 'refuse'))
  writeFileSync(join(tmp, 'refuse', 'taken'), 'x')
  const before = tree(join(tmp, 'refuse'))
  const cases: Array<[string[], RegExp]> = [
    [['new', '-p', 'Site'], /Invalid project name 'Site': use a lowercase identifier/],
    [['new', '-p', 'my-site'], /Invalid project name 'my-site'/],
    [['new', '-p', '1site'], /Invalid project name '1site'/],
    [['new', '-p', '../escape'], /Invalid project name '\.\.\/escape'/],
    [['new', '-p', 'static'], /'static' is reserved/],
    [['new', '-p', 'tao'], /'tao' is reserved/],
    [['new', '-p', 'http'], /'http' is reserved/],
    [['new', '-p', 'taken'], /taken already exists; nothing was written/],
    [['new', '-a', 'blog'], /is not a tao project .*nothing was written/],
    [['new'], /give exactly one of -p NAME or -a NAME/],
    [['new', '-p', 'a', '-a', 'b'], /give exactly one of -p NAME or -a NAME/],
    [['new', 'blog'], /^tao: `tao new blog` does not say what to create; nothing was written\. Did you mean `tao new -p blog` \(a project in \.\/blog\) or `tao new -a blog` \(an app in apps\/blog of the current project\)\? \[TAO_ERR_CLI_NEW_KIND\]$/m],
  ]
  for (const [args, message] of cases) {
    const r = tao([...args, '--no-install'], join(tmp, 'refuse'))
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`)
    assert.equal(r.stdout, '')
    assert.deepEqual(tree(join(tmp, 'refuse')), before, `${args.join(' ')} wrote something`)
  }
  assert.ok(!existsSync(join(tmp, 'escape')))
})

test('tao new -a adds an app inside a project and refuses clashes', () => {
  const site = join(tmp, 'site')
  const r = tao(['new', '-a', 'blog'], site)
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(tree(join(site, 'apps', 'blog')), ['routes.ts', 'static/blog.css', 'templates/index.html', 'test/blog.test.ts', 'views.ts'])
  assert.match(r.stdout, /^created apps\/blog\/routes\.ts$/m)
  assert.match(r.stdout, /npm run dev/)
  assert.match(r.stdout, /^ {4}<a href="\{\{ url\('blog:index'\) \}\}">blog<\/a>$/m, 'says how to link the app')
  assert.match(readFileSync(join(site, 'apps', 'blog', 'routes.ts'), 'utf8'), /export const prefix = '\/blog'/)
  const before = tree(site)
  for (const [name, message] of [['blog', /already exists/], ['home', /already exists/], ['tao', /reserved/], ['static', /reserved/], ['Blog', /lowercase identifier/]] as const) {
    const again = tao(['new', '--startapp', name], site)
    assert.equal(again.status, 2)
    assert.match(again.stderr, message)
  }
  assert.deepEqual(tree(site), before)
})

test('tao --help and every command\'s help are complete', () => {
  const help = tao(['--help'], tmp)
  assert.equal(help.status, 0)
  for (const cmd of ['new', 'dev', 'start', 'build', 'routes', 'types', 'test']) {
    assert.match(help.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), `tao --help lists ${cmd}`)
    const sub = tao([cmd, '--help'], tmp)
    assert.equal(sub.status, 0)
    assert.match(sub.stdout, new RegExp(`^Usage: tao ${cmd}`, 'm'))
    assert.ok(sub.stdout.split('\n').length > 4, `${cmd} --help describes its options`)
  }
  assert.match(tao(['new', '--help'], tmp).stdout, /--startproject[\s\S]*--startapp[\s\S]*--tao-version[\s\S]*--no-install/)
  assert.match(tao(['start', '--help'], tmp).stdout, /--port[\s\S]*--host[\s\S]*--socket/)
  const unknown = tao(['frobnicate'], tmp)
  assert.equal(unknown.status, 2)
  assert.equal(unknown.stderr, "tao: unknown command 'frobnicate'. Run `tao --help` for the list of commands.\n")
  const meant: Array<[string, string]> = [['runserver', 'dev'], ['startproject', 'new -p NAME'], ['rotues', 'routes'], ['buidl', 'build'], ['chek', 'check']]
  for (const [word, command] of meant) {
    const r = tao([word], tmp)
    assert.equal(r.status, 2)
    assert.match(r.stderr, new RegExp(`^tao: unknown command '${word}'\\. Did you mean \`tao ${command}\`\\?`), word)
  }
})

test('tao new -p refuses inside the tao checkout, where node_modules would hide missing dependencies', () => {
  const checkout = fileURLToPath(new URL('../../..', import.meta.url))
  const r = tao(['new', '-p', 'inside'], join(checkout, 'docs'))
  assert.equal(r.status, 2)
  assert.match(r.stderr, /docs is inside tao's own checkout; .*Nothing was written\. Run `tao new -p NAME` from a folder outside the checkout .*npm run setup.*\[TAO_ERR_CLI_INSIDE_CHECKOUT\]/)
  assert.ok(!existsSync(join(checkout, 'docs', 'inside')))
})
