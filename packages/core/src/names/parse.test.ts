import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { isTaoError } from '../errors/index.js'
import { parseName, resolveWithin, resolveWithinSync } from './index.js'

test('parseName splits app:path and keeps project names app-less', () => {
  assert.deepEqual(parseName('blog:post/detail', 'template'), { app: 'blog', path: 'post/detail' })
  assert.deepEqual(parseName('base', 'template'), { app: null, path: 'base' })
  assert.deepEqual(parseName('blog:css/site.css', 'static'), { app: 'blog', path: 'css/site.css' })
})

test('parseName rejects every way out of a folder, with TAO_ERR_NAME_INVALID', () => {
  const bad: Array<[string, RegExp]> = [
    ['blog:../secret', /'\.\.' segment/],
    ['blog:a/../../x', /'\.\.' segment/],
    ['../x', /'\.\.' segment/],
    ['blog:/etc/passwd', /absolute path/],
    ['/etc/passwd', /absolute path/],
    ['C:/x', /absolute path|app label/],
    ['blog:a\\..\\b', /backslash/],
    ['blog:a\0b', /NUL/],
    ['blog:', /empty/],
    ['blog:a//b', /empty segment/],
    ['blog:.env', /dotfile/],
    ['Blog:x', /app label/],
    ['bl-og:x', /app label/],
  ]
  for (const [name, reason] of bad) {
    assert.throws(() => parseName(name, 'template'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_NAME_INVALID'), `${JSON.stringify(name)} gave ${String(err)}`)
      assert.match(err.message, reason)
      assert.equal(err.statusCode, 400)
      return true
    })
  }
})

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tao-names-')))
after(() => rmSync(tmp, { recursive: true, force: true }))

test('resolveWithin checks containment on real paths: no sibling prefix, no symlink out', async () => {
  const dir = join(tmp, 'templates')
  mkdirSync(join(dir, 'sub'), { recursive: true })
  mkdirSync(join(tmp, 'templates-private'))
  writeFileSync(join(dir, 'sub', 'ok.html'), 'ok')
  writeFileSync(join(tmp, 'templates-private', 'secret.html'), 'secret')
  writeFileSync(join(tmp, 'outside.html'), 'outside')
  symlinkSync(join(tmp, 'outside.html'), join(dir, 'link-out.html'))
  symlinkSync(join(dir, 'sub', 'ok.html'), join(dir, 'link-in.html'))

  assert.equal(await resolveWithin(dir, 'sub/ok.html'), join(dir, 'sub', 'ok.html'))
  assert.equal(await resolveWithin(dir, 'link-in.html'), join(dir, 'sub', 'ok.html'))
  assert.equal(await resolveWithin(dir, '../templates-private/secret.html'), null)
  assert.equal(await resolveWithin(dir, 'link-out.html'), null)
  assert.equal(await resolveWithin(dir, '/etc/passwd'), null)
  assert.equal(await resolveWithin(dir, 'missing.html'), null)
  assert.equal(resolveWithinSync(dir, 'sub/ok.html'), join(dir, 'sub', 'ok.html'))
  assert.equal(resolveWithinSync(dir, 'link-out.html'), null)
  assert.equal(resolveWithinSync(dir, '../templates-private/secret.html'), null)
})
