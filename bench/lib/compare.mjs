// Compares HTTP servers fairly on a noisy machine: each server runs in its own child process,
// rounds are interleaved (A B, B A, ...), and we report the median requests/s and the median
// server CPU time per request (from process.cpuUsage in the server) over the rounds.
import { fork } from 'node:child_process'
import autocannon from 'autocannon'

/**
 * Starts `module` (a server script, with `args`) as a child; resolves { url, cpu(), stop() }.
 * With `quiet`, its stdout goes to /dev/null (servers that log every request).
 */
export async function startServer (module, args = [], { quiet = false } = {}) {
  const child = fork(module, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'], execArgv: ['--import', 'tsx'] })
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
 * Runs `rounds` interleaved rounds of `duration` seconds against each server.
 * servers: { name: { module, args?, path?, quiet? } } (path defaults to options.path). With `check`,
 * every server's first answer must pass `check(body, name)`, so all serve the same thing.
 * Returns { name: { rps, cpuUsPerReq, errors } }, medians over the rounds.
 */
export async function compare (servers, { path = '/', rounds = 5, duration = 3, connections = 50, warmup = 1, check } = {}) {
  const started = {}
  const urlOf = (name) => started[name].url + (servers[name].path ?? path)
  const results = Object.fromEntries(Object.keys(servers).map((n) => [n, { rps: [], cpu: [], errors: 0 }]))
  try {
    for (const [name, spec] of Object.entries(servers)) {
      started[name] = await startServer(spec.module, spec.args, { quiet: spec.quiet })
      if (check) {
        const res = await fetch(urlOf(name))
        const body = Buffer.from(await res.arrayBuffer())
        if (res.status !== 200 || !check(body, name)) throw new Error(`${name} answered ${res.status} ${body.length} bytes: not the expected page`)
      }
    }
    for (const name of Object.keys(started)) await autocannon({ url: urlOf(name), connections, duration: warmup })
    const names = Object.keys(servers)
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse()
      for (const name of order) {
        const s = started[name]
        const before = await s.cpu()
        const r = await autocannon({ url: urlOf(name), connections, duration })
        const after = await s.cpu()
        const requests = r.requests.total
        results[name].rps.push(r.requests.average)
        results[name].cpu.push(requests ? (after - before) / requests : NaN)
        results[name].errors += r.errors + r.non2xx
      }
    }
  } finally {
    await Promise.all(Object.values(started).map((s) => s.stop()))
  }
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, { rps: median(r.rps), cpuUsPerReq: median(r.cpu), errors: r.errors, rounds: r }]))
}

/** Prints one comparison table and the ratio of `subject` to `baseline`. */
export function report (title, results, subject, baseline) {
  console.log(`\n${title}`)
  for (const [name, r] of Object.entries(results)) {
    console.log(`  ${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s (median)  ${r.cpuUsPerReq.toFixed(1).padStart(7)} µs CPU/req  errors ${r.errors}`)
  }
  const ratio = results[subject].rps / results[baseline].rps
  console.log(`  ratio ${subject}/${baseline}: ${(ratio * 100).toFixed(1)}% of requests/s; CPU per request ${(results[subject].cpuUsPerReq / results[baseline].cpuUsPerReq).toFixed(2)}x`)
  // Each round ran both servers back to back, under the same load from the rest of the
  // machine: the ratio within a round is steadier than the ratio of the medians.
  const a = results[subject].rounds
  const b = results[baseline].rounds
  const perRound = a.rps.map((x, i) => x / b.rps[i])
  const cpuPerRound = a.cpu.map((x, i) => x / b.cpu[i])
  const pct = (x) => `${(x * 100).toFixed(1)}%`
  console.log(`  per round: median ${pct(median(perRound))} of requests/s (rounds ${perRound.map(pct).join(', ')}); CPU per request ${median(cpuPerRound).toFixed(2)}x`)
  return ratio
}
