// The `tao` command's own speed (issue 11): `tao --version` and `tao --help` (goal < 300 ms),
// `tao routes` on a new project (goal < 1.5 s), and `tao new -p` with its install, offline (no
// network at all, from npm's cache: goal < 30 s) and online (goal < 60 s).
// `npm run bench -- cli`. Offline runs need root for `unshare -n`; they are skipped otherwise.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))
const runs = Number(process.env.RUNS ?? 7)
const tmp = mkdtempSync(join(tmpdir(), 'tao-bench-cli-'))

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null
const cpu = []

/**
 * Wall time of one run of argv in cwd, in ms; throws when it fails. With /usr/bin/time, the
 * CPU time (user + system, children included) goes to `cpu`: on a busy machine the wall time
 * mostly measures the wait for a core, the CPU time what the command itself costs.
 */
function time (argv, cwd) {
  const cmd = TIME ? [TIME, '-f', 'TAOCPU %U %S', ...argv] : argv
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`)
  const m = /TAOCPU ([\d.]+) ([\d.]+)/.exec(r.stderr)
  if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000)
  return ms
}

function summary (label, samples, goal) {
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const median = med(samples)
  const cpuMedian = cpu.length ? `   cpu ${med(cpu).toFixed(0).padStart(6)} ms` : ''
  cpu.length = 0
  const verdict = goal === undefined ? '' : median <= goal ? `  ok (goal ${goal} ms)` : `  OVER (goal ${goal} ms)`
  console.log(`${label.padEnd(30)} median ${median.toFixed(0).padStart(6)} ms   min ${Math.min(...samples).toFixed(0).padStart(6)} ms${cpuMedian}   (${samples.length} runs)${verdict}`)
}

const repeat = (n, fn) => Array.from({ length: n }, fn)
const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0
console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`)

try {
  summary('node -e 0 (the floor)', repeat(runs, () => time([process.execPath, '-e', '0'], tmp)))
  summary('tao --version', repeat(runs, () => time([process.execPath, bin, '--version'], tmp)), 300)
  summary('tao --help', repeat(runs, () => time([process.execPath, bin, '--help'], tmp)), 300)

  let n = 0
  const fresh = (how) => {
    const dir = join(tmp, `${how}-${n++}`)
    spawnSync('mkdir', ['-p', dir])
    return dir
  }
  if (canUnshare) {
    const offline = ['unshare', '-n', 'sh', '-c', `ip link set lo up && ${process.execPath} ${bin} new -p site`]
    summary('tao new -p site, offline', repeat(3, () => time(offline, fresh('offline'))), 30_000)
  } else {
    console.log('tao new -p site, offline             skipped: needs root for unshare -n')
  }
  const online = repeat(3, () => fresh('online'))
  summary('tao new -p site, online', online.map((dir) => time([process.execPath, bin, 'new', '-p', 'site'], dir)), 60_000)
  summary('tao routes (new project)', repeat(runs, () => time([process.execPath, bin, 'routes'], join(online[0], 'site'))), 1500)
  summary('npx tao routes (its own tao)', repeat(runs, () => time([join(online[0], 'site', 'node_modules', '.bin', 'tao'), 'routes'], join(online[0], 'site'))), 1500)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
