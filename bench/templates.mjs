// A page rendering a 50-item list through a base layout: tao's reply.render against bare
// Fastify with a cached Nunjucks Environment, in one run. Target: tao >= 90% of bare.
//   node bench/templates.mjs            (BENCH_ROUNDS=5 BENCH_DURATION=3 BENCH_CONNECTIONS=10)
// Each server runs in its own child process (this file, with --server); rounds are interleaved
// (A B, B A, ...); we report the median requests/s and the median server CPU time per request
// (process.cpuUsage in the server). bench/static.mjs reuses the helpers exported here.
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'

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
    'settings.js': "export default { debug: false, logLevel: 'silent', secretKey: 'a'.repeat(64), allowedHosts: ['127.0.0.1'], database: { url: 'memory' } }\n",
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

/** Server mode: listen, tell the parent the URL, answer 'cpu' with process.cpuUsage(). */
export async function serve (listen) {
  const url = await listen()
  process.on('message', (m) => {
    if (m === 'cpu') { const u = process.cpuUsage(); process.send({ cpu: u.user + u.system }) }
  })
  process.on('SIGTERM', () => process.exit(0))
  process.send({ url })
}

/** Starts this benchmark file as a server child; resolves { url, cpu(), stop() }. */
export async function startServer (module, args) {
  const child = fork(module, ['--server', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const url = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`${module} ${args.join(' ')} exited with ${code}`)))
  })
  const cpu = () => new Promise((resolve) => { child.once('message', (m) => resolve(m.cpu)); child.send('cpu') })
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
  return { url, cpu, stop }
}

function median (values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Interleaved rounds against each server: { name: { module, args, path } }. Checks first that
 * every server answers `check(body)`; returns { name: { rps, cpuUsPerReq, errors } } medians.
 */
export async function compare (servers, { rounds = 5, duration = 3, connections = 10, warmup = 1, check } = {}) {
  const started = {}
  const results = {}
  try {
    for (const [name, spec] of Object.entries(servers)) {
      started[name] = await startServer(spec.module, spec.args)
      const res = await fetch(started[name].url + spec.path)
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status !== 200 || (check && !check(body, name))) throw new Error(`${name} answered ${res.status} ${body.length} bytes: not the expected page`)
      results[name] = { rps: [], cpu: [], errors: 0 }
    }
    for (const [name, s] of Object.entries(started)) await autocannon({ url: s.url + servers[name].path, connections, duration: warmup })
    const names = Object.keys(servers)
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const s = started[name]
        const before = await s.cpu()
        const r = await autocannon({ url: s.url + servers[name].path, connections, duration })
        const after = await s.cpu()
        results[name].rps.push(r.requests.average)
        results[name].cpu.push(r.requests.total ? (after - before) / r.requests.total : NaN)
        results[name].errors += r.errors + r.non2xx
      }
    }
  } finally {
    await Promise.all(Object.values(started).map((s) => s.stop()))
  }
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, { rps: median(r.rps), cpuUsPerReq: median(r.cpu), errors: r.errors }]))
}

/** Prints a comparison and the ratio of `subject` to `baseline`. */
export function report (title, results, subject, baseline) {
  console.log(`\n${title}`)
  for (const [name, r] of Object.entries(results)) {
    console.log(`  ${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s (median)  ${r.cpuUsPerReq.toFixed(1).padStart(7)} µs CPU/req  errors ${r.errors}`)
  }
  const ratio = results[subject].rps / results[baseline].rps
  console.log(`  ratio ${subject}/${baseline}: ${(ratio * 100).toFixed(1)}% of requests/s; CPU per request ${(results[subject].cpuUsPerReq / results[baseline].cpuUsPerReq).toFixed(2)}x`)
  return ratio
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
        'tao reply.render': { module: self, args: ['tao', project.root], path: '/page' },
        'bare fastify + nunjucks': { module: self, args: ['bare', project.root], path: '/page' },
      }, { ...opts, check: same })
      report(`50-item page through a base layout, ${opts.rounds} interleaved rounds of ${opts.duration}s, ${opts.connections} connections`,
        results, 'tao reply.render', 'bare fastify + nunjucks')
    } finally {
      project.cleanup()
    }
  }
}
