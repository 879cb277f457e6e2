// Instructions per request of the hello route, tao against bare Fastify, counted by valgrind's
// callgrind: unlike requests/s on a shared machine, the count repeats from run to run (within
// about 0.5% for the same code; a change elsewhere can move it a few percent through V8's
// inlining choices). It counts user-space work only: the kernel's share (writev, epoll) is the
// same for both servers, so the ratio here is larger than the ratio of requests/s.
//   node --import tsx bench/instructions.mjs [--requests 2000] [--runs 3] [--logging]
// --logging counts the default logging instead: tao at logLevel 'info' against tao silent.
// Each server runs under valgrind with instrumentation off, serves 5,000 warm-up requests over
// one keep-alive connection, then is counted over `--requests` more. Skipped without valgrind.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : Number(process.argv[i + 1])
}
const REQUESTS = arg('requests', 2000)
const WARMUP = 5000

/** True when valgrind is installed (the counts need it). */
export const hasValgrind = () => spawnSync('valgrind', ['--version']).status === 0

/** Instructions per request of bench/servers/<name>.mjs (with `args`) on its `path` (/hello). */
export async function count (name, args = [], path = '/hello') {
  const dir = mkdtempSync(join(tmpdir(), 'tao-callgrind-'))
  const server = new URL(`./servers/${name}.mjs`, import.meta.url).pathname
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${dir}/out`,
    // TurboFan on the main thread: on a busy machine background compile threads lag, so the
    // counted requests would run in the interpreter for a varying while (counts varied by 40%).
    process.execPath, '--no-concurrent-recompilation', '--import', 'tsx', server, ...args], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
  try {
    const url = await new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m.url))
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const once = () => new Promise((resolve, reject) => get(`${url}${path}`, { agent }, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject))
    const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' })
    for (let i = 0; i < WARMUP; i++) await once()
    control('-i', 'on')
    for (let i = 0; i < REQUESTS; i++) await once()
    control('-i', 'off')
    control('-d')
    agent.destroy()
    let total = 0
    for (const f of readdirSync(dir)) {
      const m = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, f), 'utf8'))
      if (m) total += Number(m[1])
    }
    return total / REQUESTS
  } finally {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!hasValgrind()) {
    console.log('valgrind is not installed: skipped (apt-get install valgrind)')
    process.exit(0)
  }
  // A run now and then lands on a garbage collection or a deoptimization inside the counted
  // window: the median of RUNS runs of each server, interleaved, leaves those out.
  const RUNS = arg('runs', 3)
  // --logging: tao with the default logLevel 'info' (subject) against tao with logging off.
  const LOGGING = process.argv.includes('--logging')
  const [subject, baseline] = LOGGING
    ? [{ label: 'tao, logLevel info', name: 'hello-tao', args: ['info'] }, { label: 'tao, logging off', name: 'hello-tao', args: [] }]
    : [{ label: 'tao', name: 'hello-tao', args: [] }, { label: 'bare fastify', name: 'hello-fastify', args: [] }]
  const runs = { subject: [], baseline: [] }
  for (let i = 0; i < RUNS; i++) {
    runs.subject.push(await count(subject.name, subject.args))
    runs.baseline.push(await count(baseline.name, baseline.args))
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const a = median(runs.subject)
  const b = median(runs.baseline)
  const list = (xs) => xs.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')
  console.log(`\nhello JSON route, instructions per request (callgrind, ${REQUESTS} requests after ${WARMUP} warm-up; median of ${RUNS} runs)`)
  console.log(`  runs: ${subject.label} ${list(runs.subject)}; ${baseline.label} ${list(runs.baseline)}`)
  console.log(`  ${subject.label.padEnd(20)} ${Math.round(a).toLocaleString('en-US').padStart(8)}`)
  console.log(`  ${baseline.label.padEnd(20)} ${Math.round(b).toLocaleString('en-US').padStart(8)}`)
  console.log(`  ${subject.label} adds ${Math.round(a - b).toLocaleString('en-US')} instructions per request (${((a / b - 1) * 100).toFixed(1)}%)`)
}
