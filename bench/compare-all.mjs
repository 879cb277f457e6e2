// Every comparison of issue 19, one after another, each interleaved against its baseline:
// prints, per scenario, the ratio subject/baseline (median and min–max over rounds), the CPU
// ratio, and whether the goal holds.
//   node --import tsx bench/compare-all.mjs [name ...] [--rounds 5] [--duration 3]
// To add a comparison: write bench/scenarios/<name>.mjs exporting `scenario` (see
// bench/lib/scenario.mjs) and add one row below. A row whose file does not exist yet is
// reported as missing, and the others still run.
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { median, spread } from './lib/stats.mjs'

const SCENARIOS = [
  ['page', './scenarios/page.mjs'], // #19 point 1: reply.render against bare Nunjucks
  ['boot', './scenarios/boot.mjs'], // #19 point 2: tao start of 20 apps against bare Fastify
  ['logging', './scenarios/logging.mjs'], // #19 point 3: default logging against none
  ['db-page', './scenarios/db-page.mjs'], // #19 point 4: a page reading one document against none
  ['hello', './scenarios/hello.mjs'], // issue 2: the hello route against bare Fastify
]

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}
const rounds = arg('rounds', Number(process.env.BENCH_ROUNDS ?? 5))
const duration = arg('duration', Number(process.env.BENCH_DURATION ?? 3))
const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'))
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ')

console.log(`compare-all: ${rounds} interleaved rounds of ${duration}s; load average ${load()}`)
const rows = []
for (const [name, rel] of SCENARIOS) {
  if (only.length > 0 && !only.includes(name)) continue
  const file = fileURLToPath(new URL(rel, import.meta.url))
  if (!existsSync(file)) {
    console.log(`\n## ${name}: not available yet (no bench/${rel.slice(2)})`)
    rows.push([name, 'missing', '', '', ''])
    continue
  }
  const { scenario } = await import(file)
  console.log(`\n## ${name}: ${scenario.title}`)
  try {
    const r = await scenario.run({ rounds, duration })
    const m = median(r.ratios)
    const ok = scenario.goal.op === '>=' ? m >= scenario.goal.ratio : m <= scenario.goal.ratio
    const ratio = `${m.toFixed(2)}× (${spread(r.ratios, 2)})`
    const cpu = `${median(r.cpuRatios).toFixed(2)}× (${spread(r.cpuRatios, 2)})`
    console.log(`  ${r.subject} / ${r.baseline}: ${scenario.unit} ${ratio}; CPU ${cpu}; goal ${scenario.goal.op} ${scenario.goal.ratio}×: ${ok ? 'holds' : 'NOT MET'}`)
    if (r.note) console.log(`  ${r.note}`)
    rows.push([name, ratio, cpu, `${scenario.goal.op} ${scenario.goal.ratio}× ${scenario.unit}`, ok ? 'holds' : 'not met'])
  } catch (err) {
    console.log(`  failed: ${err.stack ?? err}`)
    rows.push([name, 'failed', '', '', ''])
  }
}

console.log(`\nsummary (ratio subject/baseline, median and min–max over rounds; load average ${load()})`)
console.log('| scenario | ratio | CPU ratio | goal | |\n| --- | --- | --- | --- | --- |')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
