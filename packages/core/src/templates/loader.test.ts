import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { AppRegistry, type AppConfig } from '../apps/index.js'
import { isTaoError } from '../errors/index.js'
import { TemplateLoader } from './loader.js'

const root = mkdtempSync(join(tmpdir(), 'tao-loader-'))
after(() => rmSync(root, { recursive: true, force: true }))

function write (rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}

const app = (name: string): AppConfig => ({
  name, origin: 'project', source: `apps/${name}`, dir: join(root, 'apps', name), modulesDir: join(root, 'apps', name), prefix: `/${name}`, routesFile: null, routes: [],
})

write('templates/base.html', 'project base')
write('templates/blog/over.html', 'project override')
write('apps/blog/templates/over.html', 'app over')
write('apps/blog/templates/only.njk', 'app njk')
write('apps/blog/templates/both.html', 'app html')
write('apps/blog/templates/both.njk', 'app njk')
write('apps/blog/templates/page.njk', 'explicit njk')
write('templates-private/x.html', 'SECRET sibling of templates')
write('apps/blog/templates-private/x.html', 'SECRET sibling of the app templates')
symlinkSync('../templates-private/x.html', join(root, 'templates', 'sibling.html'))
symlinkSync('../templates-private/x.html', join(root, 'apps/blog/templates', 'sibling.html'))
symlinkSync('base.html', join(root, 'templates', 'alias.html'))
mkdirSync(join(root, 'templates', 'folder.html'))

const loader = new TemplateLoader(root, new AppRegistry([app('blog'), app('shop')], []), true)
const text = (name: string) => loader.load(name)?.src ?? null

test('project names, app names, project overrides, .html before .njk, explicit extensions', () => {
  assert.equal(text('base'), 'project base')
  assert.equal(text('blog:over'), 'project override')
  assert.equal(text('blog:only'), 'app njk')
  assert.equal(text('blog:both'), 'app html')
  assert.equal(text('blog:page.njk'), 'explicit njk')
  assert.equal(text('shop:over'), null, 'another app does not see blog templates')
})

test('candidates are listed in lookup order', () => {
  assert.deepEqual(loader.candidates('blog:a/b').map((c) => join(c.dir, c.rel).slice(root.length + 1)), [
    'templates/blog/a/b.html', 'templates/blog/a/b.njk', 'apps/blog/templates/a/b.html', 'apps/blog/templates/a/b.njk',
  ])
})

test('containment is checked on real paths: a templates-private sibling never passes', () => {
  assert.equal(text('sibling'), null)
  assert.equal(text('blog:sibling'), null)
  assert.equal(text('alias'), 'project base', 'a link inside the folder is fine')
  assert.equal(text('folder'), null, 'a folder is not a template')
  const err = loader.notFound('sibling')
  assert.match(err.details.tried![0]!, /^templates\/sibling\.html \(exists, but leads outside/)
})

test('malformed names and unknown apps are TaoErrors', () => {
  for (const name of ['../x', 'blog:../x', '/abs', 'a\\b', 'a\0b', '', 'blog:', 'x//y', '.dot']) {
    assert.throws(() => loader.load(name), (e: unknown) => isTaoError(e, 'TAO_ERR_NAME_INVALID'), JSON.stringify(name))
  }
  assert.throws(() => loader.load('blgo:x'), (e: unknown) => isTaoError(e, 'TAO_ERR_APP_NOT_FOUND') && /Did you mean 'blog'/.test(e.message))
})
