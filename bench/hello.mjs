// A hello route on tao against the same route on bare Fastify, in one run.
// Target: tao >= 90% of bare Fastify's requests per second.
import { compare, report } from './lib/compare.mjs'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const duration = Number(process.env.BENCH_DURATION ?? 3)
const results = await compare({
  tao: { module: new URL('./servers/hello-tao.mjs', import.meta.url).pathname },
  'bare fastify': { module: new URL('./servers/hello-fastify.mjs', import.meta.url).pathname },
}, { path: '/hello', rounds, duration })
report(`hello JSON route, ${rounds} interleaved rounds of ${duration}s, 50 connections`, results, 'tao', 'bare fastify')
