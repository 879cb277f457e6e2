// Several tao "machines" behind one real nginx, for the multi-machine slow tests (issue #18):
// a real redis-server, one shared database (the embedded store as a standalone server, or
// TAO_TEST_MONGODB_URL), and N separate `tao start --workers W` processes of one project, each
// on its own 127.0.0.1 port and all upstreams of nginx. Every address is on loopback; stop()
// ends everything it started.
//   const site = await startSite({ machines: 2, workers: 2 })
//   await fetch(`${site.url}/`) ... site.machines[0].stop() ... await site.stop()
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTao, type TaoProcess } from '../process/helpers.js'
import { freePort, needsRedis, startRedis, type RedisServer } from './redis-server.js'

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p))

/** The `skip` option of a multi-machine test: false, or why it cannot run here. */
export const needsSite: false | string = needsRedis !== false
  ? needsRedis
  : NGINX === undefined ? 'nginx is not installed (apt-get install nginx; .ci/run installs it)' : false

/** The fixture project the multi-machine tests serve (routes: /, /machine, /publish/:room, /login/:user, /whoami, ws /room/:name). */
export const siteFixture = fileURLToPath(new URL('../fixtures/multi-machine', import.meta.url))

/** One tao machine: a `tao start` process (a primary and its workers) on its own port. */
export interface Machine {
  /** 'a', 'b', ... (TAO_TEST_MACHINE in its environment). */
  name: string
  port: number
  /** `http://127.0.0.1:PORT`: the machine itself, bypassing nginx. */
  address: string
  /** The running process, or null once stopped. */
  proc: (TaoProcess & { address: string }) | null
  /** Stops it (SIGTERM by default) and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  /** Starts it again on the same port. */
  start: () => Promise<void>
  /** Everything it printed, across restarts. */
  output: () => string
}

/** A running site. */
export interface Site {
  /** nginx: `http://127.0.0.1:PORT`. */
  url: string
  /** nginx for websockets: `ws://127.0.0.1:PORT`. */
  wsUrl: string
  redis: RedisServer
  /** The shared database URL (TAO_DATABASE_URL of every machine). */
  databaseUrl: string
  machines: Machine[]
  /** The JSON lines the fixture's services wrote to TAO_TEST_EVENTS. */
  events: () => Array<{ event: string, machine: string, pid: number, t: number }>
  /** nginx's error log, for failure messages. */
  nginxLog: () => string
  /** Stops the machines, nginx, the database and Redis, and removes the temporary folder. */
  stop: () => Promise<void>
}

/** Options of {@link startSite}. */
export interface SiteOptions {
  /** The project (default: the multi-machine fixture). */
  root?: string
  /** How many machines. Default 2. */
  machines?: number
  /** `--workers` of each machine. Default 2. */
  workers?: number
  /** More environment for every machine. */
  env?: Record<string, string>
}

async function exitOf (child: ChildProcess, timeout = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  await gone
  clearTimeout(timer)
}

/** The shared database: TAO_TEST_MONGODB_URL, or the embedded store as a server of its own. */
async function startDatabase (): Promise<{ url: string, stop: () => Promise<void> }> {
  const given = process.env.TAO_TEST_MONGODB_URL
  if (given) return { url: given, stop: async () => {} }
  const script = "import { startEmbeddedMongo } from '@tao/embedded-mongo'; const s = await startEmbeddedMongo({}); console.log(s.uri); process.on('SIGTERM', () => s.close().then(() => process.exit(0)))"
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('the embedded store did not start within 20 s')), 20_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = /^(mongodb:\/\/\S+)$/m.exec(out)
      if (line) { clearTimeout(timer); resolve(line[1]!) }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the embedded store exited (${code})`)) })
  })
  return { url, stop: () => exitOf(child) }
}

/** nginx's configuration: one upstream of every machine, websockets proxied, loopback only. */
function nginxConfig (dir: string, port: number, machines: Machine[]): string {
  return `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`).join('\n')}
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream site_tao {
${machines.map((m) => `    server 127.0.0.1:${m.port};`).join('\n')}
    keepalive 32;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://site_tao;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 120s;
    }
  }
}
`
}

/**
 * Starts a site of several machines behind nginx (see the file's header).
 * @throws when redis-server or nginx is missing: guard the test with `{ skip: needsSite }`.
 */
export async function startSite (opts: SiteOptions = {}): Promise<Site> {
  if (needsSite !== false) throw new Error(needsSite)
  const dir = mkdtempSync(join(tmpdir(), 'tao-site-'))
  const eventsFile = join(dir, 'events.jsonl')
  const started: Array<() => Promise<unknown>> = []
  const stopAll = async (): Promise<void> => {
    for (const stop of started.reverse()) await stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    // 1. Redis and the shared database.
    const redis = await startRedis()
    started.push(() => redis.stop())
    const database = await startDatabase()
    started.push(() => database.stop())
    // 2. The machines, each on a port of its own.
    const env = { TAO_REDIS_URL: redis.url, TAO_DATABASE_URL: database.url, TAO_TEST_EVENTS: eventsFile, TAO_LOG_LEVEL: 'warn', ...opts.env }
    const args = (port: number) => ['start', '--host', '127.0.0.1', '--port', String(port), '--workers', String(opts.workers ?? 2)]
    const machines: Machine[] = []
    for (let i = 0; i < (opts.machines ?? 2); i++) {
      const name = String.fromCharCode(97 + i)
      const port = await freePort()
      let log = ''
      const m: Machine = {
        name,
        port,
        address: `http://127.0.0.1:${port}`,
        proc: null,
        output: () => log + (m.proc?.output() ?? ''),
        start: async () => { m.proc = await startTao(args(port), opts.root ?? siteFixture, { ...env, TAO_TEST_MACHINE: name }) },
        stop: async (signal = 'SIGTERM') => {
          const proc = m.proc
          if (proc === null) return null
          const code = await proc.stop(signal)
          log += proc.output()
          m.proc = null
          return code
        },
      }
      machines.push(m)
    }
    started.push(async () => { await Promise.all(machines.map((m) => m.stop())) })
    await Promise.all(machines.map((m) => m.start()))
    // 3. nginx in front of them.
    const nginxDir = join(dir, 'nginx')
    mkdirSync(nginxDir)
    const port = await freePort()
    writeFileSync(join(nginxDir, 'nginx.conf'), nginxConfig(nginxDir, port, machines))
    const nginx = spawn(NGINX!, ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
    let nginxErr = ''
    nginx.stderr!.on('data', (d: Buffer) => { nginxErr += d.toString() })
    started.push(() => exitOf(nginx))
    const nginxLog = () => nginxErr + (existsSync(join(nginxDir, 'error.log')) ? readFileSync(join(nginxDir, 'error.log'), 'utf8') : '')
    const deadline = Date.now() + 10_000
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)
      if (ok) break
      if (nginx.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not serve the site:\n${nginxLog()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return {
      url: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}`,
      redis,
      databaseUrl: database.url,
      machines,
      events: () => existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [],
      nginxLog,
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}
