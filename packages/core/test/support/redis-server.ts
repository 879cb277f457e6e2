// A real redis-server for tests: started on 127.0.0.1 (a free port) or on a unix socket in a
// temporary folder, with no persistence, and stopped by the test. Tests that need Redis skip
// with a message saying so when redis-server is not installed, never silently.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.js'

/** Where redis-server is: TAO_TEST_REDIS_SERVER, /usr/bin/redis-server, or the PATH. */
export const redisServerBin: string | null = ((): string | null => {
  const named = process.env.TAO_TEST_REDIS_SERVER
  if (named !== undefined && named !== '') return existsSync(named) ? named : null
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server'
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : null
})()

/**
 * The `skip` option of a test that needs redis-server: false when it is installed, else the
 * reason shown in the report (`test('...', { skip: needsRedis }, ...)`).
 */
export const needsRedis: false | string = redisServerBin === null
  ? 'redis-server is not installed (apt-get install redis-server, or set TAO_TEST_REDIS_SERVER); .ci/run installs it'
  : false

/** A redis-server started by a test. */
export interface RedisServer {
  /** 'redis://127.0.0.1:PORT' or 'unix:///tmp/.../redis.sock'. */
  url: string
  /** The TCP port (0 on a unix socket). */
  port: number
  /** Kills the server (SIGKILL: an outage, not a clean shutdown). Its address stays reserved. */
  kill: () => Promise<void>
  /** Starts it again on the same address after `kill()`. */
  restart: () => Promise<void>
  /** Stops it and removes its folder. Idempotent. */
  stop: () => Promise<void>
}

export { freePort }

/** Resolves once something accepts connections at the address (polling every 20 ms, 10 s at most). */
async function reachable (address: { port: number } | { path: string }, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = 'path' in address ? connect(address.path) : connect(address.port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > end) throw new Error(`redis-server did not accept connections within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Starts a redis-server of its own (`--save '' --appendonly no`: nothing written to disk).
 * @param opts.socket listen on a unix socket in a temporary folder instead of a TCP port.
 * @throws when redis-server is not installed: guard the test with `{ skip: needsRedis }`.
 */
export async function startRedis (opts: { socket?: boolean } = {}): Promise<RedisServer> {
  if (redisServerBin === null) throw new Error(String(needsRedis))
  const dir = mkdtempSync(join(tmpdir(), 'tao-redis-'))
  const path = join(dir, 'redis.sock')
  const port = opts.socket === true ? 0 : await freePort()
  const args = [
    '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning',
    '--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes',
    ...(opts.socket === true ? ['--unixsocket', path, '--unixsocketperm', '700'] : []),
  ]
  let child: ChildProcess | null = null
  let output = ''
  const launch = async (): Promise<void> => {
    child = spawn(redisServerBin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (c: Buffer) => { output += c.toString() })
    child.stderr!.on('data', (c: Buffer) => { output += c.toString() })
    const exited = new Promise<never>((_resolve, reject) => child!.once('exit', (code) => reject(new Error(`redis-server exited (${code}) at start:\n${output}`))))
    await Promise.race([reachable(opts.socket === true ? { path } : { port }), exited])
    exited.catch(() => {})
  }
  const kill = async (): Promise<void> => {
    const c = child as ChildProcess | null
    if (c === null || c.exitCode !== null || c.signalCode !== null) return
    const gone = new Promise((resolve) => c.once('exit', resolve))
    c.kill('SIGKILL')
    await gone
    child = null
  }
  await launch()
  return {
    url: opts.socket === true ? `unix://${path}` : `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: launch,
    stop: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
