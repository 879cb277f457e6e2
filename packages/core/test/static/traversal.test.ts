// The traversal catalogue, on static URLs (sent raw over a socket: fetch and inject normalize
// '../' and '%2e%2e' before sending) and on template names (render, include, extends, import,
// from). Secrets sit just outside every static and templates folder, in `templates-private/`
// siblings, and behind symlinks; none may ever leak.
import assert from 'node:assert/strict'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { isTaoError, type TaoApp } from '@tao/core'
import { projectApp, rawGet, tempProject, writeFile } from '../support/project.js'

const SECRET = /TOP-SECRET|"name": "@tao\/core"/

const project = tempProject('traversal')
const root = project.root
let app: TaoApp
let port: number
after(() => project.cleanup())

before(async () => {
  const link = (target: string, path: string) => symlinkSync(target, join(root, path))
  // Links leading out of their folder (never followed) ...
  link('../secret.txt', 'apps/blog/static/link-out.txt')
  link('..', 'apps/blog/static/up')
  link('../secret.txt', 'static/link-out.txt')
  link('../templates-private', 'static/private')
  link('../templates-private/x.html', 'templates/leak.html')
  link('../templates-private', 'templates/private')
  link('../secret.html', 'apps/blog/templates/leak.html')
  link('../templates-private', 'apps/blog/templates/private')
  link(join(root, 'secret.txt'), 'static/absolute-link.txt')
  // ... and links inside it (followed).
  link('css/site.css', 'static/inside.css')
  link('base.html', 'templates/inside.html')
  app = await projectApp(root)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  port = Number(new URL(address).port)
})
after(() => app?.close())

describe('static URLs', () => {
  test('the server does serve the folders under attack', async () => {
    assert.equal((await rawGet(port, '/static/blog/site.css')).status, 200)
    assert.equal((await rawGet(port, '/static/static/css/site.css')).status, 200)
  })

  const attempts = [
    '/static/blog/../secret.txt',
    '/static/blog/../../secret.txt',
    '/static/blog/..%2fsecret.txt',
    '/static/blog/..%2F..%2Fsecret.txt',
    '/static/blog/%2e%2e/secret.txt',
    '/static/blog/%2E%2E/%2E%2E/secret.txt',
    '/static/blog/%2e%2e%2fsecret.txt',
    '/static/blog/%252e%252e/secret.txt',
    '/static/blog/%252e%252e%252fsecret.txt',
    '/static/blog/..%252fsecret.txt',
    '/static/blog/..\\secret.txt',
    '/static/blog/..%5csecret.txt',
    '/static/blog/..%5C..%5Csecret.txt',
    '/static/blog/secret.txt%00.css',
    '/static/blog/%00../secret.txt',
    '/static/blog/..%00/secret.txt',
    '/static/blog/%c0%ae%c0%ae/secret.txt',
    '/static/blog/%c0%ae%c0%ae%c0%afsecret.txt',
    '/static/blog/%e0%80%ae%e0%80%ae/secret.txt',
    '/static/blog//etc/passwd',
    '/static/blog/%2fetc%2fpasswd',
    '/static/blog/%2F..%2Fsecret.txt',
    '/static/blog/./../secret.txt',
    '/static/blog/link-out.txt',
    '/static/blog/up/secret.txt',
    '/static/blog/up/templates-private/x.html',
    '/static/static/../secret.txt',
    '/static/static/..%2fsecret.txt',
    '/static/static/%2e%2e/secret.txt',
    '/static/static/link-out.txt',
    '/static/static/absolute-link.txt',
    '/static/static/private/x.html',
    '/static/static/.secret',
    '/static/static/%2esecret',
    '/static/static/dir/..%2f..%2fsecret.txt',
    '/static/../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/..%2fsecret.txt',
    '/static/tao/..%2f..%2f..%2fpackage.json',
    '/static/tao/%2e%2e/%2e%2e/%2e%2e/package.json',
    `/static/static/${encodeURIComponent(join(process.cwd(), 'package.json'))}`,
    '/static/static/C:%5cwindows%5cwin.ini',
  ]

  for (const path of attempts) {
    test(`GET ${path} is refused and leaks nothing`, async () => {
      const res = await rawGet(port, path)
      assert.ok(res.status >= 400 && res.status < 500, `${path}: status ${res.status}`)
      assert.doesNotMatch(res.body, SECRET, path)
    })
  }

  test('HEAD attempts are refused too', async () => {
    for (const path of ['/static/blog/..%2fsecret.txt', '/static/blog/link-out.txt', '/static/static/.secret']) {
      const res = await rawGet(port, path, 'HEAD')
      assert.ok(res.status >= 400 && res.status < 500, `${path}: status ${res.status}`)
    }
  })

  test('the same server serves the legitimate files, symlinks inside the folder included', async () => {
    const files: Array<[string, string]> = [['/static/static/css/site.css', 'body {}'], ['/static/static/inside.css', 'body {}'], ['/static/blog/site.css', '.blog {}'], ['/static/static/dir/inner.txt', 'inner']]
    for (const [path, body] of files) {
      const res = await rawGet(port, path)
      assert.equal(res.status, 200, path)
      assert.equal(res.body.trim(), body, path)
    }
  })
})

describe('template names', () => {
  const names = [
    '../secret', '../secret.html', 'blog:../secret', 'blog:../../secret',
    '../templates-private/x', 'blog:../templates-private/x', 'templates-private/x',
    '/etc/passwd', 'blog:/etc/passwd', `${root}/secret`,
    '..\\secret', 'blog:..\\secret', 'blog:a\\..\\..\\secret',
    'secret\0', 'blog:x\0../secret', 'C:/windows/win', 'C:\\windows\\win',
    'nope:index', 'Blog:index', ':index', 'blog:', '',
    'leak', 'blog:leak', 'private/x', 'blog:private/x',
    './base', 'blog:./index', 'blog:a//b', '.secret', 'blog:.hidden',
    '%2e%2e/secret', 'blog:%2e%2e/secret', 'blog:..%2fsecret',
  ]

  test('app.render refuses each with a TaoError and reads nothing outside a templates folder', () => {
    for (const name of names) {
      assert.throws(() => app.render(name), (err: unknown) => {
        assert.ok(isTaoError(err), `${JSON.stringify(name)}: ${String(err)}`)
        assert.ok(['TAO_ERR_NAME_INVALID', 'TAO_ERR_APP_NOT_FOUND', 'TAO_ERR_TEMPLATE_NOT_FOUND'].includes(err.code), `${JSON.stringify(name)}: ${err.code}`)
        assert.doesNotMatch(err.message, SECRET)
        return true
      }, JSON.stringify(name))
    }
  })

  test('include, extends, import and from refuse them too', () => {
    let i = 0
    for (const name of names.filter((n) => !n.includes('\0') && !n.includes('"'))) {
      for (const tag of [`{% include "${name}" %}`, `{% extends "${name}" %}`, `{% import "${name}" as m %}`, `{% from "${name}" import x %}`]) {
        const file = `templates/attempt-${i++}.html`
        writeFile(root, file, tag.replace(/\\/g, '\\\\'))
        assert.throws(() => app.render(file.slice('templates/'.length, -'.html'.length)), (err: unknown) => {
          assert.ok(isTaoError(err), `${tag}: ${String(err)}`)
          assert.doesNotMatch(err.message, SECRET)
          return true
        }, tag)
      }
    }
  })

  test('the symlink checks apply to resolved paths: links inside the folder work', () => {
    assert.equal(app.render('inside').trim(), '<p>base</p>')
    assert.throws(() => app.render('leak'), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_TEMPLATE_NOT_FOUND'))
      assert.match(String(err.details.tried?.[0]), /^templates\/leak\.html \(exists, but leads outside its templates folder/)
      return true
    })
  })
})
