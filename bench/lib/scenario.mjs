// The shape of a comparison for bench/compare-all.mjs. A scenario module (bench/scenarios/*.mjs)
// exports `scenario`:
//   { title, unit, goal: { op: '>=' | '<=', ratio }, run({ rounds, duration }) }
// where run() resolves { subject, baseline, ratios: [per round], cpuRatios: [per round], note? }:
// the subject's figure over the baseline's, each round measuring both back to back.
import { compare } from './compare.mjs'

/**
 * A requests/s scenario: `servers()` gives { subject: spec, baseline: spec } as compare() takes
 * them (module, args, path, quiet); `setup()` may make a project first and return its cleanup.
 */
export function throughputScenario ({ title, goal, servers, path = '/', connections = 50, check, setup }) {
  return {
    title,
    unit: 'requests/s',
    goal,
    async run ({ rounds, duration }) {
      const cleanup = setup ? await setup() : null
      try {
        const specs = await servers()
        const [subject, baseline] = Object.keys(specs)
        const results = await compare(specs, { path, rounds, duration, connections, check })
        const a = results[subject].rounds
        const b = results[baseline].rounds
        return {
          subject,
          baseline,
          ratios: a.rps.map((x, i) => x / b.rps[i]),
          cpuRatios: a.cpu.map((x, i) => x / b.cpu[i]),
          note: `${results[subject].rps.toFixed(0)} vs ${results[baseline].rps.toFixed(0)} req/s, ${results[subject].cpuUsPerReq.toFixed(1)} vs ${results[baseline].cpuUsPerReq.toFixed(1)} µs CPU/req (medians); errors ${results[subject].errors + results[baseline].errors}`,
        }
      } finally {
        await cleanup?.()
      }
    },
  }
}
