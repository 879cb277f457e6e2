import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url))

/** A server process started from worker.ts. */
export interface Worker {
  child: ChildProcess
  /** The address it listens on, or null when it failed to start. */
  address: string | null
  output: () => string
  exited: Promise<number | null>
}

/** Starts worker.ts on `root` and waits (at most 60 s) until it listens or exits. */
export async function startWorker (root: string, env: NodeJS.ProcessEnv = {}): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, root], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const address = await new Promise<string | null>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`worker did not start:\n${out}`)) }, 60_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening (http:\/\/\S+)\n/.exec(out)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', () => { clearTimeout(timer); resolve(null) })
  })
  return { child, address, output: () => out, exited }
}

/** Sends SIGTERM (the `tao dev` reloader's way) and resolves with the exit code (SIGKILL after 20 s). */
export async function stopWorker (worker: Worker): Promise<number | null> {
  if (worker.child.exitCode !== null) return worker.child.exitCode
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 20_000)
  worker.child.kill('SIGTERM')
  const code = await worker.exited
  clearTimeout(timer)
  return code
}
