// A hello route on tao against the same route on bare Fastify, in one run, and against bare
// Fastify with the plugins tao's defaults are made of (helmet, secure-session, formbody,
// multipart, csrf-protection). Target: tao >= 90% of bare Fastify's requests per second.
import { compare, report } from './lib/compare.mjs'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const duration = Number(process.env.BENCH_DURATION ?? 3)
const server = (name) => ({ module: new URL(`./servers/${name}.mjs`, import.meta.url).pathname })
const results = await compare({
  tao: server('hello-tao'),
  'bare fastify': server('hello-fastify'),
  'fastify + same plugins': server('hello-fastify-plugins'),
}, { path: '/hello', rounds, duration })
const title = `hello JSON route, ${rounds} interleaved rounds of ${duration}s, 50 connections`
report(title, results, 'tao', 'bare fastify')
report('', results, 'tao', 'fastify + same plugins')
