// collectStatic (the core of `tao collectstatic`): URL layout, manifest, idempotence, stale
// files, and the output folders it refuses.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { join, relative } from 'node:path'
import { after, test } from 'node:test'
import { collectStatic, isTaoError } from '@tao/core'
import { projectApp, tempProject, writeFile } from '../support/project.js'

function files (dir: string, base = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) files(join(dir, e.name), base, out)
    else out.push(relative(base, join(dir, e.name)))
  }
  return out.sort()
}

const mtimes = (dir: string) => Object.fromEntries(files(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]))

async function setup () {
  const p = tempProject('static-files')
  after(p.cleanup)
  symlinkSync('../apps/blog/routes.ts', join(p.root, 'static', 'link-out.ts'))
  const app = await projectApp(p.root)
  after(() => app.close())
  return { root: p.root, app }
}

test('copies every component with the URL layout and writes a manifest of hashed URLs', async () => {
  const { root, app } = await setup()
  const result = collectStatic(app)
  const out = join(root, 'var', 'static')
  assert.equal(result.out, out)
  assert.deepEqual(files(out), [
    'blog/css/blog.css', 'blog/docs/index.html',
    'static/css/site.css', 'static/data/ten-kb.txt', 'static/img/dot.png', 'static/img/dot.svg', 'static/js/app.js',
    'staticfiles.json', 'tao/tao.css', 'tao/toolbar.css', 'tao/toolbar.js',
  ], 'no dotfiles, no link leading out of a folder')
  assert.deepEqual(readFileSync(join(out, 'static/img/dot.png')), readFileSync(join(root, 'static/img/dot.png')))
  const manifest = JSON.parse(readFileSync(join(out, 'staticfiles.json'), 'utf8')) as Record<string, string>
  assert.equal(manifest['css/site.css'], app.static('css/site.css'))
  assert.equal(manifest['blog:css/blog.css'], app.static('blog:css/blog.css'))
  assert.match(manifest['tao:tao.css']!, /^\/static\/tao\/tao\.css\?v=[0-9a-f]{12}$/)
  assert.equal(result.copied.length, 10)
  assert.equal(result.unchanged, 0)
})

test('a second run changes nothing; later runs remove the stale files they wrote, and only those', async () => {
  const { root, app } = await setup()
  const out = join(root, 'var', 'static')
  collectStatic(app)
  const before = mtimes(out)
  const again = collectStatic(app)
  assert.deepEqual(again.copied, [])
  assert.deepEqual(again.removed, [])
  assert.equal(again.unchanged, 10)
  assert.deepEqual(mtimes(out), before, 'no file rewritten, manifest included')

  writeFile(out, 'notes/readme.txt', 'not written by collectstatic')
  rmSync(join(root, 'static', 'img'), { recursive: true })
  writeFile(root, 'static/css/site.css', 'body { color: red; }\n')
  writeFile(root, 'apps/blog/static/new.css', '.new {}\n')
  const third = collectStatic(app)
  assert.deepEqual(third.removed, ['static/img/dot.png', 'static/img/dot.svg'])
  assert.deepEqual([...third.copied].sort(), ['blog/new.css', 'static/css/site.css'])
  assert.equal(existsSync(join(out, 'static/img')), false, 'emptied folders are removed')
  assert.equal(readFileSync(join(out, 'notes/readme.txt'), 'utf8'), 'not written by collectstatic')
  assert.equal(readFileSync(join(out, 'static/css/site.css'), 'utf8'), 'body { color: red; }\n')
})

test('refuses an output folder inside an app or static/, or containing them, and writes nothing', async () => {
  const { root, app } = await setup()
  const cases: Array<[string, RegExp]> = [
    ['apps/blog/collected', /it is inside apps\/blog/],
    ['apps/blog/static/out', /it is inside apps\/blog/],
    ['static/out', /it is inside static/],
    ['static', /it is inside static/],
    ['.', /it contains static/],
    ['apps', /it contains apps\/blog/],
  ]
  for (const [out, reason] of cases) {
    const before = files(root).filter((f) => !f.startsWith('node_modules'))
    assert.throws(() => collectStatic(app, { out }), (err: unknown) => {
      assert.ok(isTaoError(err, 'TAO_ERR_STATIC_OUT_INVALID'), out)
      assert.equal(err.statusCode, 2)
      assert.match(err.message, reason, out)
      assert.match(err.message, /nothing was written/)
      return true
    }, out)
    assert.deepEqual(files(root).filter((f) => !f.startsWith('node_modules')), before, `${out}: nothing written`)
  }
})
