// A generated project of N apps for the boot bench (bench/boot.mjs): each app has three routes
// (a page, a page with a parameter, a JSON route), a template extending the project's base and
// a static folder; `tao build` compiles it. Next to it, bare.mjs: bare Fastify registering the
// same routes, the same templates through one Nunjucks Environment, and the same static roots.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(repo, 'packages/cli/bin/tao.js')

const BASE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}Site{% endblock %}</title></head>
<body><main>{% block content %}{% endblock %}</main></body></html>
`
const page = (app) => `{% extends "base" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<h1>{{ title }}</h1><p>The ${app} app.</p>{% endblock %}
`
const routes = (app) => `import { route } from '@tao/core'

export const prefix = '/${app}'

export default [
  route('GET', '/', async (_req, reply) => reply.render('${app}:index', { title: '${app}' }), 'index'),
  route('GET', '/items/:id', async (req, reply) => reply.render('${app}:index', { title: req.params.id }), 'item'),
  route('GET', '/api', async () => ({ app: '${app}' }), 'api'),
]
`

const BARE = `// Bare Fastify with the same routes, templates and static roots as the tao project here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'
import nunjucks from 'nunjucks'

const root = import.meta.dirname
const apps = APPS
// 'blog:index' -> apps/blog/templates/index.html, 'base' -> templates/base.html, as tao names them.
const loader = {
  getSource (name) {
    const [app, tpl] = name.includes(':') ? name.split(':') : [null, name]
    const path = app ? join(root, 'apps', app, 'templates', tpl + '.html') : join(root, 'templates', tpl + '.html')
    return { src: readFileSync(path, 'utf8'), path, noCache: false }
  },
}
const env = new nunjucks.Environment([loader], { autoescape: true })
const app = Fastify()
await app.register(fastifyStatic, { root: join(root, 'static'), prefix: '/static/site/' })
for (const name of apps) {
  await app.register(fastifyStatic, { root: join(root, 'apps', name, 'static'), prefix: '/static/' + name + '/', decorateReply: false })
  await app.register(async (scope) => {
    const render = (reply, tpl, ctx) => reply.type('text/html; charset=utf-8').send(env.render(tpl, ctx))
    scope.get('/', async (_req, reply) => render(reply, name + ':index', { title: name }))
    scope.get('/items/:id', async (req, reply) => render(reply, name + ':index', { title: req.params.id }))
    scope.get('/api', async () => ({ app: name }))
  }, { prefix: '/' + name })
}
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' })
`

function write (root, files) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
}

/**
 * Generates and builds the project; returns { root, bare, path, apps, routes }. `path` is the
 * page both servers are polled on.
 */
export function makeBootProject ({ apps = 20 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'tao-bench-boot-'))
  const names = Array.from({ length: apps }, (_, i) => `app${String(i + 1).padStart(2, '0')}`)
  const files = {
    'package.json': '{ "name": "boot", "private": true, "type": "module" }\n',
    '.env': 'TAO_SECRET_KEY=7d1f0c2b9a8e6d5c4b3a29180706f5e4d3c2b1a09f8e7d6c5b4a392817060504\n',
    'settings.ts': "import { defineSettings } from '@tao/core'\n\nexport default defineSettings({\n  debug: false,\n  allowedHosts: ['localhost', '127.0.0.1'],\n})\n",
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'], strict: true, skipLibCheck: true, verbatimModuleSyntax: true, rootDir: '.', outDir: 'build', noEmit: true },
      include: ['settings.ts', 'apps/**/*.ts', '.tao/*.d.ts'],
      exclude: ['node_modules', 'build', 'var'],
    }, null, 2) + '\n',
    'templates/base.html': BASE,
    'static/site.css': 'body { margin: 0 }\n',
    'bare.mjs': BARE.replace('APPS', JSON.stringify(names)),
  }
  for (const name of names) {
    files[`apps/${name}/routes.ts`] = routes(name)
    files[`apps/${name}/templates/index.html`] = page(name)
    files[`apps/${name}/static/${name}.css`] = `.${name} { color: teal }\n`
  }
  write(root, files)
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'))
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tao build failed in ${root}:\n${r.stdout}${r.stderr}`)
  return { root, bare: join(root, 'bare.mjs'), path: `/${names[0]}/`, apps, routes: apps * 3 }
}
