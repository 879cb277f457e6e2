// Boot time (issue 19 point 2): `tao start` of a built 20-app project, from spawn to its first
// 200, against bare Fastify registering the same routes, Nunjucks template folders and static
// roots. Goal: tao ≤ 1.5× bare Fastify.
//   node bench/boot.mjs [--rounds 7] [--apps 20] [--keep]
// The project is generated in a temporary folder (node_modules linked to this checkout) and
// built with `tao build` once. Rounds are interleaved (tao, bare, bare, tao, ...); each start is
// timed from spawn to the first 200 of one page, polled every 5 ms, and its CPU time up to
// that answer is read from /proc. `tao start` runs the server bundle `tao build` made (its
// first start, in the warm-up round, saves the code cache). Other contenders: tao with its
// database on a server (the embedded store in another process, as a mongod would be), and
// `tao start --no-bundle` (the build module by module). `--prof DIR` writes a `node --cpu-prof` of one tao boot.
import { fork, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { makeBootProject } from './lib/boot-project.mjs'
import { median, spread } from './lib/stats.mjs'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? def : process.argv[i + 1]
}
const bin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))

/** A free port on 127.0.0.1. */
function freePort () {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
  })
}

function get (port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', () => resolve(0))
    req.end()
  })
}

/** CPU time of a process so far, in ms, from /proc (null elsewhere). */
function cpuMs (pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime, in clock ticks of 10 ms
  } catch {
    return null
  }
}

/**
 * Spawns argv, polls `path` until a 200; resolves { ms, cpu } and stops the process with
 * `signal` (SIGKILL: nothing of its shutdown is waited for; SIGINT lets it write a profile).
 */
export async function timeBoot (argv, { cwd, env = {}, port, path, timeout = 60_000, signal = 'SIGKILL' }) {
  const start = process.hrtime.bigint()
  const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c) => { err += c })
  let exited = false
  const gone = new Promise((resolve) => child.once('exit', (code) => { exited = true; resolve(code) }))
  try {
    for (;;) {
      if (exited) throw new Error(`${argv.join(' ')} exited before answering:\n${err}`)
      if (Number(process.hrtime.bigint() - start) / 1e6 > timeout) throw new Error(`${argv.join(' ')} did not answer 200 within ${timeout} ms:\n${err}`)
      const status = await get(port, path)
      if (status === 200) break
      if (status !== 0) throw new Error(`${argv.join(' ')} answered ${status} on ${path}:\n${err}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    return { ms, cpu: cpuMs(child.pid) }
  } finally {
    child.kill(signal)
    await gone
  }
}

/**
 * The contenders of a boot comparison, for this bench and bench/compare-all.mjs: tao (the
 * project's default database, the embedded store in var/db) and bare Fastify; with
 * `databaseUrl`, also tao with its database on a server (the production setup).
 */
export function bootContenders (project, { databaseUrl, unbundled = false } = {}) {
  const tao = (env = {}, args = []) => async () => {
    const port = await freePort()
    return await timeBoot([process.execPath, bin, 'start', ...args], { cwd: project.root, env: { TAO_PORT: String(port), TAO_HOST: '127.0.0.1', ...env }, port, path: project.path })
  }
  return {
    tao: tao(),
    ...(databaseUrl ? { 'tao, database server': tao({ TAO_DATABASE_URL: databaseUrl }) } : {}),
    ...(unbundled ? { 'tao --no-bundle': tao({}, ['--no-bundle']) } : {}),
    'bare fastify': async () => {
      const port = await freePort()
      return await timeBoot([process.execPath, project.bare, String(port)], { cwd: project.root, port, path: project.path })
    },
  }
}

/** Runs `rounds` interleaved boots of each contender; returns { name: [{ ms, cpu }] }. */
export async function bootRounds (contenders, rounds) {
  const names = Object.keys(contenders)
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (const name of names) await contenders[name]() // warm the disk cache
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) samples[name].push(await contenders[name]())
  }
  return samples
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(arg('rounds', 7))
  const project = makeBootProject({ apps: Number(arg('apps', 20)) })
  try {
    const prof = arg('prof', null)
    if (prof !== null) {
      const port = await freePort()
      // Stopped by SIGINT, a graceful shutdown: Node writes the profile as the process exits.
      await timeBoot([process.execPath, '--cpu-prof', `--cpu-prof-dir=${prof}`, bin, 'start'], { cwd: project.root, env: { TAO_PORT: String(port) }, port, path: project.path, signal: 'SIGINT' })
      console.log(`a CPU profile of one tao boot (and its shutdown) is in ${prof}`)
    }
    // The embedded store in its own process stands for a MongoDB server.
    const store = fork(fileURLToPath(new URL('./servers/embedded-store.mjs', import.meta.url)), [''], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    const databaseUrl = await new Promise((resolve) => store.once('message', (m) => resolve(m.url)))
    let samples
    try {
      samples = await bootRounds(bootContenders(project, { databaseUrl, unbundled: true }), rounds)
    } finally {
      store.kill('SIGTERM')
    }
    console.log(`\nboot to first 200: ${project.apps}-app project (${project.routes} routes), ${rounds} interleaved rounds; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    for (const [name, s] of Object.entries(samples)) {
      const ms = s.map((x) => x.ms)
      const cpu = s.map((x) => x.cpu).filter((x) => x !== null)
      console.log(`  ${name.padEnd(22)} median ${median(ms).toFixed(0).padStart(5)} ms (${spread(ms, 0)} ms)   CPU ${cpu.length ? `${median(cpu).toFixed(0)} ms (${spread(cpu, 0)})` : 'n/a'}`)
    }
    for (const name of ['tao', 'tao, database server', 'tao --no-bundle']) {
      const per = samples[name].map((x, i) => x.ms / samples['bare fastify'][i].ms)
      const perCpu = samples[name].map((x, i) => x.cpu / samples['bare fastify'][i].cpu)
      console.log(`  ${name} / bare: ${median(per).toFixed(2)}× wall (rounds ${spread(per, 2)}), ${median(perCpu).toFixed(2)}× CPU (${spread(perCpu, 2)}); goal ≤ 1.5×`)
    }
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept ${project.root}`)
    else rmSync(project.root, { recursive: true, force: true })
  }
}
