import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The real `tao` binary of this checkout. */
export const taoBin = fileURLToPath(new URL('../../../cli/bin/tao.js', import.meta.url))

/** Absolute path of a fixture project. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir (prefix = 'tao-proc-'): { dir: string, cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A running `tao` process: its output so far and its exit. */
export interface TaoProcess {
  child: ChildProcess
  output: () => string
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** Resolves with the first match of `re` in the output (or rejects after `timeout` ms). */
  waitFor: (re: RegExp, timeout?: number) => Promise<RegExpExecArray>
  /** Sends a signal and resolves with the exit code (SIGKILL after `timeout` ms). */
  stop: (signal?: NodeJS.Signals, timeout?: number) => Promise<number | null>
}

/** Starts `tao ARGS` in `cwd` with `env` added to the environment. */
export function runTao (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): TaoProcess {
  const child = spawn(process.execPath, [taoBin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const waiters = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    out += chunk.toString()
    for (const w of waiters) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  let code: number | null | undefined
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => { code = c; for (const w of waiters) w(); resolve(c) }))
  const waitFor = (re: RegExp, timeout = 60_000) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const m = re.exec(out)
      if (m) { done(); resolve(m); return }
      if (code !== undefined) { done(); reject(new Error(`tao ${args.join(' ')} exited (${code}) before ${re}:\n${out}`)) }
    }
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${re} from tao ${args.join(' ')}:\n${out}`)) }, timeout)
    const done = () => { clearTimeout(timer); waiters.delete(check) }
    waiters.add(check)
    check()
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeout = 30_000) => {
    if (code !== undefined) return code
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
    const c = await exited
    clearTimeout(timer)
    return c
  }
  return { child, output: () => out, exited, waitFor, stop }
}

/** Starts tao and waits for its "serving <address>" line. */
export async function startTao (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<TaoProcess & { address: string }> {
  const proc = runTao(args, cwd, env)
  try {
    const m = await proc.waitFor(/tao: serving (http:\/\/\S+|\/\S+)/)
    return { ...proc, address: m[1]! }
  } catch (err) {
    proc.child.kill('SIGKILL')
    throw err
  }
}

/** One event line written by the fixture's services through $TAO_TEST_EVENTS. */
export interface TestEvent { pid: number, event: string, name: string, t: number }

/** The events recorded so far. */
export function readEvents (file: string): TestEvent[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TestEvent)
}

/** A response as a test sees it. */
export interface Got { status: number, body: string, headers: Record<string, string | string[] | undefined> }

/**
 * One HTTP request on a fresh connection (so the cluster primary hands each to the next
 * worker): to `http://host:port` or to a unix socket path.
 */
export function get (address: string, path: string, opts: { method?: string, headers?: Record<string, string> } = {}): Promise<Got> {
  const target = address.startsWith('/') ? { socketPath: address } : { host: new URL(address).hostname, port: Number(new URL(address).port) }
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method: opts.method ?? 'GET', agent: false, headers: opts.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Polls `check` until it returns true (at most `timeout` ms). */
export async function until (check: () => boolean | Promise<boolean>, timeout = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (Date.now() < end) {
    if (await Promise.resolve().then(check).catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** True while a process with this pid exists. */
export function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
