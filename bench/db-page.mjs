// Issue 19 point 4: a tao page reading one document by _id through req.db (the embedded
// store in memory, in the server's process as `tao start` runs it) against the same page with
// no read. Goal: >= 0.8x its requests/s.
//   node --import tsx bench/db-page.mjs     (BENCH_ROUNDS=5 BENCH_DURATION=3 BENCH_CONNECTIONS=10)
// Each page is served by its own process of bench/servers/db-page-tao.mjs; rounds are
// interleaved (A B, B A, ...); medians of requests/s and of the server's CPU per request, with
// min-max over the rounds. Other benches import `dbPageComparison` to run it with theirs.
import { fileURLToPath } from 'node:url'
import { compare, report } from './lib/compare.mjs'
import { NOTE_ID } from './fixtures/db-page/apps/notes/routes.js'

const server = fileURLToPath(new URL('./servers/db-page-tao.mjs', import.meta.url))

/**
 * Runs the comparison and prints it; resolves { ratio, cpuRatio, results } (ratio: median
 * requests/s of the page that reads over the page that does not).
 */
export async function dbPageComparison ({ rounds = 5, duration = 3, connections = 10 } = {}) {
  const expected = Buffer.from('<h1>hello from the database</h1>')
  const results = await compare({
    'reads one document': { module: server, path: `/page/${NOTE_ID}` },
    'no read': { module: server, path: `/page-no-read/${NOTE_ID}` },
  }, { rounds, duration, connections, check: (body) => body.includes(expected) })
  const title = `a page reading one document by _id (req.db, embedded store in memory) vs the same page with no read, ${rounds} interleaved rounds of ${duration}s, ${connections} connections`
  const ratio = report(title, results, 'reads one document', 'no read')
  const spread = (xs) => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`
  for (const [name, r] of Object.entries(results)) console.log(`  ${name}: req/s min-max ${spread(r.rounds.rps)}, µs CPU/req min-max ${spread(r.rounds.cpu)}`)
  return { ratio, cpuRatio: results['reads one document'].cpuUsPerReq / results['no read'].cpuUsPerReq, results }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await dbPageComparison({
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
    duration: Number(process.env.BENCH_DURATION ?? 3),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  })
}
