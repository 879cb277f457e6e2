// The cost of the default logging (issue 19 point 3): the hello route with tao's default
// logLevel 'info' (one JSON line per request, to stdout: here /dev/null) against the same
// server with logging off. Goal: logging costs at most 10% of the requests/s.
//   node --import tsx bench/logging.mjs      (BENCH_ROUNDS=5 BENCH_DURATION=3)
import { compare, report } from './lib/compare.mjs'

/** The scenario for this bench and bench/compare-all.mjs. */
export function loggingServers () {
  const module = new URL('./servers/hello-tao.mjs', import.meta.url).pathname
  return {
    'tao, logLevel info': { module, args: ['info'], quiet: true },
    'tao, logging off': { module },
  }
}

if (import.meta.main ?? process.argv[1] === new URL(import.meta.url).pathname) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const duration = Number(process.env.BENCH_DURATION ?? 3)
  const results = await compare(loggingServers(), { path: '/hello', rounds, duration })
  report(`hello JSON route with and without the default logging, ${rounds} interleaved rounds of ${duration}s, 50 connections`, results, 'tao, logLevel info', 'tao, logging off')
}
