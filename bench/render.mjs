// The bench page (bench/templates.mjs: 50 items through a base layout) served by tao's
// reply.render against bare Fastify with a cached nunjucks.Environment, as ratios per
// interleaved round (median and min–max). Goal (#19): tao ≥ 1.1× bare's requests/s and
// ≤ 0.9× its CPU per request.
//   node bench/render.mjs        (BENCH_ROUNDS=6 BENCH_DURATION=3 BENCH_CONNECTIONS=10)
// Instructions per render, without HTTP: bench/render-instructions.mjs.
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { compare } from './lib/compare.mjs'
import { makeProject } from './templates.mjs'

const servers = fileURLToPath(new URL('./templates.mjs', import.meta.url))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** { median, min, max } of the per-round ratios a[i] / b[i]. */
function ratios (a, b) {
  const r = a.map((x, i) => x / b[i])
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) }
}

/**
 * Runs the comparison; resolves { rps, cpu } ratios (tao / bare, each { median, min, max }
 * over the rounds), the medians of each server and the load average before and after.
 */
export async function benchRender ({ rounds = 6, duration = 3, connections = 10 } = {}) {
  const project = makeProject()
  const load = [loadavg()[0]]
  try {
    const same = (body) => (body.toString().match(/<li /g) ?? []).length === 50 && body.includes('Item 49 &lt;b&gt;')
    const results = await compare({
      tao: { module: servers, args: ['--server', 'tao', project.root], path: '/page' },
      bare: { module: servers, args: ['--server', 'bare', project.root], path: '/page' },
    }, { rounds, duration, connections, check: same })
    load.push(loadavg()[0])
    const { tao, bare } = results
    return {
      rps: ratios(tao.rounds.rps, bare.rounds.rps),
      cpu: ratios(tao.rounds.cpu, bare.rounds.cpu),
      tao: { rps: tao.rps, cpuUsPerReq: tao.cpuUsPerReq, errors: tao.errors },
      bare: { rps: bare.rps, cpuUsPerReq: bare.cpuUsPerReq, errors: bare.errors },
      rounds,
      load,
    }
  } finally {
    project.cleanup()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = {
    rounds: Number(process.env.BENCH_ROUNDS ?? 6),
    duration: Number(process.env.BENCH_DURATION ?? 3),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  }
  const r = await benchRender(opts)
  const x = ({ median, min, max }) => `${median.toFixed(2)}× (min–max ${min.toFixed(2)}–${max.toFixed(2)})`
  console.log(`\n50-item page through a layout: tao reply.render / bare Fastify + Nunjucks, ${opts.rounds} interleaved rounds of ${opts.duration}s, ${opts.connections} connections`)
  console.log(`  tao   ${r.tao.rps.toFixed(0).padStart(7)} req/s  ${r.tao.cpuUsPerReq.toFixed(1).padStart(6)} µs CPU/req  errors ${r.tao.errors}`)
  console.log(`  bare  ${r.bare.rps.toFixed(0).padStart(7)} req/s  ${r.bare.cpuUsPerReq.toFixed(1).padStart(6)} µs CPU/req  errors ${r.bare.errors}`)
  console.log(`  requests/s ratio   ${x(r.rps)}   (goal ≥ 1.10×)`)
  console.log(`  CPU/request ratio  ${x(r.cpu)}   (goal ≤ 0.90×)`)
  console.log(`  load average (1 min) ${r.load.map((l) => l.toFixed(1)).join(' → ')}`)
}
