// A 10 KB static file: tao's /static/static/<file> against bare @fastify/static serving the same
// folder under the same URL, in one run. Target: tao >= 90% of bare. Also shown: a bare route
// calling reply.sendFile (what tao does after its own checks), the lightest @fastify/static use.
//   node bench/static.mjs              (BENCH_ROUNDS=5 BENCH_DURATION=3 BENCH_CONNECTIONS=10)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compare, report } from './lib/compare.mjs'
import { serve } from './lib/serve.mjs'
import { benchOptions, makeProject } from './templates.mjs'

async function server (variant, root) {
  if (variant === 'tao') {
    const { createApp } = await import('@tao/core')
    const app = await createApp({ root })
    return await serve(() => app.listen({ port: 0, host: '127.0.0.1' }))
  }
  const { default: Fastify } = await import('fastify')
  const { default: fastifyStatic } = await import('@fastify/static')
  const app = Fastify({ logger: false })
  if (variant === 'sendfile') {
    await app.register(fastifyStatic, { root: join(root, 'static'), serve: false })
    app.get('/static/static/*', (req, reply) => reply.sendFile(req.params['*']))
  } else {
    await app.register(fastifyStatic, { root: join(root, 'static'), prefix: '/static/static/' })
  }
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
      const file = readFileSync(join(project.root, 'static', 'ten-kb.txt'))
      const results = await compare({
        'tao /static/': { module: self, args: ['--server', 'tao', project.root], path: '/static/static/ten-kb.txt' },
        'bare @fastify/static': { module: self, args: ['--server', 'bare', project.root], path: '/static/static/ten-kb.txt' },
        'bare reply.sendFile route': { module: self, args: ['--server', 'sendfile', project.root], path: '/static/static/ten-kb.txt' },
      }, { ...opts, check: (body) => body.equals(file) })
      report(`10 KB static file, ${opts.rounds} interleaved rounds of ${opts.duration}s, ${opts.connections} connections`,
        results, 'tao /static/', 'bare @fastify/static')
      const vsSendFile = results['tao /static/'].rps / results['bare reply.sendFile route'].rps
      console.log(`  ratio tao /static//bare reply.sendFile route: ${(vsSendFile * 100).toFixed(1)}% of requests/s`)
    } finally {
      project.cleanup()
    }
  }
}
