// A page rendering a 50-item list through a base layout: tao's reply.render against bare
// Fastify with a cached Nunjucks Environment, in one run. Target: tao >= 90% of bare.
//   node bench/templates.mjs            (BENCH_ROUNDS=5 BENCH_DURATION=3 BENCH_CONNECTIONS=10)
// Each server runs in its own child process (this file, with --server); rounds are interleaved
// (A B, B A, ...); we report the median requests/s and the median server CPU time per request
// (process.cpuUsage in the server). bench/static.mjs reuses the helpers exported here.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compare, report } from './lib/compare.mjs'
import { serve } from './lib/serve.mjs'

const repo = fileURLToPath(new URL('..', import.meta.url))

const BASE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}Shop{% endblock %}</title></head>
<body><header><h1>{{ title }}</h1></header><main>{% block content %}{% endblock %}</main><footer>bench</footer></body></html>
`
const page = (base) => `{% extends "${base}" %}
{% block title %}{{ title }} - {{ super() }}{% endblock %}
{% block content %}<ul>
{% for item in items %}<li id="item-{{ item.id }}"><a href="/items/{{ item.id }}">{{ item.name }}</a> {{ item.price }} EUR{% if item.sale %} <em>sale</em>{% endif %}</li>
{% endfor %}</ul>{% endblock %}
`

/** The context both servers render: built per request, the same way (context.js in the project). */
const CONTEXT = `export function pageContext () {
  const items = []
  for (let i = 0; i < 50; i++) items.push({ id: i, name: \`Item \${i} <b>\`, price: (i * 1.5).toFixed(2), sale: i % 7 === 0 })
  return { title: 'Bench & shop', items }
}
`

/** A temporary tao project (plain .js modules) plus the bare servers' template folder. */
export function makeProject () {
  const root = mkdtempSync(join(tmpdir(), 'tao-bench-'))
  const files = {
    'package.json': '{ "type": "module", "private": true }\n',
    'settings.js': "export default { debug: false, logLevel: 'silent', secretKey: '44876f4dbf8d37aae7c0d01de2e7c0d7a1a6e83a9dc4dddc8f77b6362ac112b7', allowedHosts: ['127.0.0.1'], database: { url: 'memory' } }\n",
    'context.js': CONTEXT,
    'apps/home/routes.js': `import { route } from '@tao/core'
import { pageContext } from '../../context.js'
export const prefix = ''
export default [route('GET', '/page', (_req, reply) => reply.render('home:page', pageContext()), 'page')]
`,
    'templates/base.html': BASE,
    'apps/home/templates/page.html': page('base'),
    'bare/base.html': BASE,
    'bare/page.html': page('base.html'),
    'static/ten-kb.txt': 'x'.repeat(10 * 1024),
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  mkdirSync(join(root, 'node_modules'))
  symlinkSync(join(repo, 'node_modules', '@tao'), join(root, 'node_modules', '@tao'))
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

/** Options from BENCH_* variables. */
export const benchOptions = () => ({
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  duration: Number(process.env.BENCH_DURATION ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
})

async function server (variant, root) {
  if (variant === 'tao') {
    const { createApp } = await import('@tao/core')
    const app = await createApp({ root })
    return await serve(() => app.listen({ port: 0, host: '127.0.0.1' }))
  }
  const { default: Fastify } = await import('fastify')
  const { default: nunjucks } = await import('nunjucks')
  const { pageContext } = await import(pathToFileURL(join(root, 'context.js')).href)
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(root, 'bare'), { noCache: false }), { autoescape: true })
  const app = Fastify({ logger: false })
  app.get('/page', (_req, reply) => reply.type('text/html; charset=utf-8').send(env.render('page.html', pageContext())))
  return await serve(() => app.listen({ port: 0, host: '127.0.0.1' }))
}

const self = fileURLToPath(import.meta.url)
if (process.argv[1] === self) {
  const serverAt = process.argv.indexOf('--server')
  if (serverAt !== -1) {
    await server(process.argv[serverAt + 1], process.argv[serverAt + 2])
  } else {
    const opts = benchOptions()
    const project = makeProject()
    try {
      const same = (body) => (body.toString().match(/<li /g) ?? []).length === 50 && body.includes('Item 49 &lt;b&gt;')
      const results = await compare({
        'tao reply.render': { module: self, args: ['--server', 'tao', project.root], path: '/page' },
        'bare fastify + nunjucks': { module: self, args: ['--server', 'bare', project.root], path: '/page' },
      }, { ...opts, check: same })
      report(`50-item page through a base layout, ${opts.rounds} interleaved rounds of ${opts.duration}s, ${opts.connections} connections`,
        results, 'tao reply.render', 'bare fastify + nunjucks')
    } finally {
      project.cleanup()
    }
  }
}
