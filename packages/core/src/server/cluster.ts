import cluster, { type Address, type Worker } from 'node:cluster'
import { resolve } from 'node:path'
import { taoError } from '../errors/index.js'
import { backoff } from '../services/timing.js'
import { prepareSocket } from './listen.js'

/** Where the primary writes what happens to its workers. */
export interface PrimaryLog {
  info (msg: string): void
  warn (msg: string): void
  error (msg: string): void
}

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  /** How many workers to keep running. */
  workers: number
  /** The unix socket the workers listen on: the primary removes a stale one before forking. */
  socket?: string | undefined
  /** How long a worker may take to drain and exit when asked, before it is killed. */
  stopTimeout: number
  /** How long a new worker may take to listen. Default 60 s. */
  bootTimeout?: number
  log: PrimaryLog
  /** Called once every worker listens, with the address they share. */
  onServing?: (address: string) => void
  /** Environment of the workers (default: this process's). */
  env?: NodeJS.ProcessEnv
}

const describeAddress = (a: Address): string =>
  a.addressType === -1 || typeof a.port !== 'number' ? String(a.address) : `http://${a.addressType === 6 ? `[${a.address}]` : a.address}:${a.port}`

const exitReason = (code: number | null, signal: string | null): string => (signal ? `killed by ${signal}` : `exit code ${code}`)

/**
 * The cluster primary of `tao start --workers N`, like gunicorn's arbiter: it forks N workers
 * (which serve the app), replaces one that dies (with a growing delay when one keeps dying
 * early), restarts them one at a time on SIGHUP (a new worker listens before the old one
 * drains, so no request fails), drains them all on SIGTERM or SIGINT, and forwards every
 * `{ tao: 'relay', … }` message from a worker unchanged to all the others (the websocket
 * concern's channel fan-out, see websocket/cluster-transport.ts). Resolves with the exit code.
 * @throws TAO_ERR_SERVER_SOCKET_IN_USE, TAO_ERR_SERVER_SOCKET_NOT_SOCKET
 */
export async function runPrimary (opts: PrimaryOptions): Promise<number> {
  if (opts.socket) await prepareSocket(resolve(opts.socket))
  return await new Primary(opts).run()
}

class Primary {
  readonly #opts: PrimaryOptions
  /** The worker serving each slot (1..N). */
  readonly #slots = new Map<number, Worker>()
  /** Workers asked to stop: their exit is no crash. */
  readonly #retiring = new Set<Worker>()
  readonly #crashes = new Map<number, { inARow: number }>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #startedAt = new WeakMap<Worker, number>()
  #state: 'booting' | 'running' | 'reloading' | 'stopping' = 'booting'
  /** Workers that reported listening (the others are still booting). */
  readonly #listened = new WeakSet<Worker>()
  #reloadAgain = false
  #finish: (code: number) => void = () => {}

  constructor (opts: PrimaryOptions) {
    this.#opts = opts
  }

  async run (): Promise<number> {
    const opts = this.#opts
    const { log } = opts
    const done = new Promise<number>((resolve) => { this.#finish = resolve })
    const onStop = (signal: NodeJS.Signals) => { this.#shutdown(signal).catch(() => {}) }
    const onReload = () => { this.#reload().catch((err: unknown) => opts.log.error(`restart failed: ${String(err)}`)) }
    process.on('SIGTERM', onStop)
    process.on('SIGINT', onStop)
    process.on('SIGHUP', onReload)
    cluster.on('message', (from, msg: unknown) => this.#relay(from, msg))
    try {
      const slots = Array.from({ length: this.#opts.workers }, (_v, i) => i + 1)
      const booted = await Promise.allSettled(slots.map((slot) => {
        const { worker, listening } = this.#spawn(slot)
        this.#slots.set(slot, worker)
        return listening
      }))
      const failed = booted.findIndex((r) => r.status === 'rejected')
      if (failed !== -1) {
        const reason = (booted[failed] as PromiseRejectedResult).reason as Error
        log.error(taoError('TAO_ERR_SERVER_WORKER_BOOT', [String(failed + 1), reason.message]).message)
        await this.#shutdown(null)
        return 1
      }
      if (this.#state === 'booting') {
        this.#state = 'running'
        this.#opts.onServing?.((booted[0] as PromiseFulfilledResult<string>).value)
      }
      return await done
    } finally {
      process.off('SIGTERM', onStop)
      process.off('SIGINT', onStop)
      process.off('SIGHUP', onReload)
    }
  }

  /** Forks a worker for `slot`; `listening` resolves with its address once it listens. */
  #spawn (slot: number): { worker: Worker, listening: Promise<string> } {
    const worker = cluster.fork({ ...(this.#opts.env ?? process.env), TAO_WORKER_ID: String(slot) })
    this.#startedAt.set(worker, Date.now())
    worker.once('exit', (code, signal) => this.#exited(slot, worker, code, signal))
    const listening = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#retiring.add(worker)
        worker.process.kill('SIGKILL')
        reject(new Error(`it did not listen within ${this.#opts.bootTimeout ?? 60_000} ms`))
      }, this.#opts.bootTimeout ?? 60_000)
      worker.once('listening', (address: Address) => { clearTimeout(timer); this.#listened.add(worker); resolve(describeAddress(address)) })
      worker.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(exitReason(code, signal))) })
    })
    return { worker, listening }
  }

  #exited (slot: number, worker: Worker, code: number | null, signal: string | null): void {
    if (this.#retiring.delete(worker) || this.#state === 'stopping' || this.#state === 'booting') return
    // A new worker that failed during a reload is reported by the reload itself.
    if (this.#slots.get(slot) !== worker) return
    const crashes = this.#crashes.get(slot) ?? { inARow: 0 }
    this.#crashes.set(slot, crashes)
    // A worker that served a while before dying starts a fresh count.
    const lived = Date.now() - (this.#startedAt.get(worker) ?? 0)
    if (lived > 30_000) crashes.inARow = 0
    const delay = crashes.inARow === 0 ? 0 : backoff(crashes.inARow - 1, 1_000, 30_000)
    crashes.inARow++
    this.#opts.log.warn(`worker ${slot} (pid ${worker.process.pid}) died (${exitReason(code, signal)}); starting a new one${delay > 0 ? ` in ${delay} ms (it keeps dying early)` : ''}`)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#state === 'stopping') return
      const { worker: next, listening } = this.#spawn(slot)
      this.#slots.set(slot, next)
      listening.catch(() => {})
    }, delay)
    this.#timers.add(timer)
  }

  #relay (from: Worker, msg: unknown): void {
    if (typeof msg !== 'object' || msg === null || (msg as { tao?: unknown }).tao !== 'relay') return
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(msg as object)
    }
  }

  /** Asks `worker` to drain and exit; kills it if it takes longer than the stop timeout. */
  #retire (worker: Worker): Promise<void> {
    this.#retiring.add(worker)
    if (worker.isDead()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#opts.log.warn(`worker pid ${worker.process.pid} did not exit within ${this.#opts.stopTimeout} ms: killing it`)
        worker.process.kill('SIGKILL')
      }, this.#opts.stopTimeout)
      worker.once('exit', () => { clearTimeout(timer); resolve() })
      // A worker still booting listens for neither the message nor (maybe) SIGTERM yet: a
      // message would be lost and the drain would wait the whole stop timeout. SIGTERM ends
      // it now, or drains it if serve() already took the signal.
      if (worker.isConnected() && this.#listened.has(worker)) worker.send({ tao: 'shutdown' })
      else worker.process.kill('SIGTERM')
    })
  }

  /**
   * Before any worker drains, every worker stops accepting, so the primary closes its listening
   * socket while no connection waits in its queue: the last worker to stop would otherwise
   * leave the connections the primary had accepted (clients reconnecting after a
   * `Connection: close`) to be reset. Waits for each worker's answer, at most 2 s.
   */
  async #stopAccepting (): Promise<void> {
    const listening = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && this.#listened.has(w) && w.isConnected())
    await Promise.all(listening.map((w) => new Promise<void>((resolve) => {
      const done = (): void => { clearTimeout(timer); w.off('message', onMessage); w.off('exit', done); resolve() }
      const onMessage = (msg: { tao?: string } | null): void => { if (msg?.tao === 'stopped-accepting') done() }
      const timer = setTimeout(done, 2_000)
      w.on('message', onMessage)
      w.once('exit', done)
      w.send({ tao: 'stop-accepting' })
    })))
  }

  /** SIGHUP: replaces the workers one at a time, each new one listening before the old drains. */
  async #reload (): Promise<void> {
    if (this.#state === 'reloading' || this.#state === 'booting') { this.#reloadAgain = true; return }
    if (this.#state !== 'running') return
    this.#state = 'reloading'
    const { log } = this.#opts
    log.info('SIGHUP: restarting the workers one at a time')
    for (const [slot, old] of [...this.#slots]) {
      if (this.#state !== 'reloading') return
      const { worker, listening } = this.#spawn(slot)
      try {
        await listening
      } catch (err) {
        log.error(`restart stopped: the new worker ${slot} failed to boot (${(err as Error).message}); the running workers keep serving`)
        break
      }
      if (this.#state !== 'reloading') return
      this.#slots.set(slot, worker)
      await this.#retire(old)
    }
    if (this.#state !== 'reloading') return
    this.#state = 'running'
    log.info('restart done')
    if (this.#reloadAgain) {
      this.#reloadAgain = false
      await this.#reload()
    }
  }

  /** SIGTERM / SIGINT: drains every worker, then resolves run() with the exit code. */
  async #shutdown (signal: NodeJS.Signals | null): Promise<void> {
    if (this.#state === 'stopping') {
      if (signal) {
        this.#opts.log.warn(`${signal} again: killing the workers`)
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL')
        this.#finish(1)
      }
      return
    }
    this.#state = 'stopping'
    if (signal) this.#opts.log.info(`${signal}: draining ${Object.keys(cluster.workers ?? {}).length} worker(s)`)
    for (const timer of this.#timers) clearTimeout(timer)
    await this.#stopAccepting()
    let clean = true
    await Promise.all(Object.values(cluster.workers ?? {}).map(async (w) => {
      if (!w || w.isDead()) return
      const booting = !this.#listened.has(w)
      // A worker stopped while still booting is not a failure of the shutdown.
      w.once('exit', (code, signal) => { if (code !== 0 && !(booting && signal === 'SIGTERM')) clean = false })
      await this.#retire(w)
    }))
    this.#finish(clean ? 0 : 1)
  }
}
