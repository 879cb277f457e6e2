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
  /** RSS above which a worker is replaced gracefully (settings.server.workerMaxMemory); 0: never. */
  workerMaxMemory?: number
}

const describeAddress = (a: Address): string =>
  a.addressType === -1 || typeof a.port !== 'number' ? String(a.address) : `http://${a.addressType === 6 ? `[${a.address}]` : a.address}:${a.port}`

/** A crash loop: this many worker exits within {@link CRASH_LOOP_WINDOW_MS} while no worker stays up. */
export const CRASH_LOOP_EXITS = 5
/** See {@link CRASH_LOOP_EXITS}. */
export const CRASH_LOOP_WINDOW_MS = 60_000
/** A worker listening for this long "stays up": while one does, exits are no crash loop. */
export const STAYS_UP_MS = 10_000

const exitReason = (code: number | null, signal: string | null): string => (signal ? `killed by ${signal}` : `exit code ${code}`)

/**
 * The cluster primary of `tao start --workers N`, like gunicorn's arbiter: it forks N workers
 * (which serve the app), replaces one that dies (with a growing delay when one keeps dying
 * early), restarts them one at a time on SIGHUP (a new worker listens before the old one
 * drains, so no request fails), drains them all on SIGTERM or SIGINT, and forwards every
 * `{ tao: 'relay', … }` message from a worker unchanged to all the others (the websocket
 * concern's channel fan-out, see websocket/cluster-transport.ts). It gives up (exit 1, saying
 * why) on a crash loop ({@link CRASH_LOOP_EXITS} exits within {@link CRASH_LOOP_WINDOW_MS}
 * while no worker stays up), recycles a worker past workerMaxMemory, and ignores SIGUSR2.
 * Resolves with the exit code.
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
  /** When each worker started listening. */
  readonly #listeningSince = new WeakMap<Worker, number>()
  /** When recent worker exits (not asked for) happened. */
  #exits: number[] = []
  /** Workers past workerMaxMemory being replaced. */
  readonly #recycling = new WeakSet<Worker>()
  #exitCode = 0
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
    // Node's default for SIGUSR2 kills the primary, and the whole site with it.
    const onUsr2 = () => log.info('SIGUSR2 ignored (logs go to stdout/stderr: nothing to reopen)')
    process.on('SIGTERM', onStop)
    process.on('SIGINT', onStop)
    process.on('SIGHUP', onReload)
    process.on('SIGUSR2', onUsr2)
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
      process.off('SIGUSR2', onUsr2)
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
      worker.once('listening', (address: Address) => {
        clearTimeout(timer)
        this.#listened.add(worker)
        this.#listeningSince.set(worker, Date.now())
        resolve(describeAddress(address))
      })
      worker.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(exitReason(code, signal))) })
    })
    return { worker, listening }
  }

  #exited (slot: number, worker: Worker, code: number | null, signal: string | null): void {
    if (this.#retiring.delete(worker) || this.#state === 'stopping' || this.#state === 'booting') return
    // A new worker that failed during a reload is reported by the reload itself.
    if (this.#slots.get(slot) !== worker) return
    if (this.#crashLoop()) return
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

  /**
   * Records an exit; true (and the primary stops, exit 1) when it makes a crash loop: the site
   * is down for good, and a supervisor (systemd) should see it rather than a primary that
   * keeps forking forever.
   */
  #crashLoop (): boolean {
    const now = Date.now()
    this.#exits = [...this.#exits.filter((t) => now - t < CRASH_LOOP_WINDOW_MS), now]
    if (this.#exits.length < CRASH_LOOP_EXITS) return false
    const up = [...this.#slots.values()].some((w) => !w.isDead() && now - (this.#listeningSince.get(w) ?? now) >= STAYS_UP_MS)
    if (up) return false
    this.#opts.log.error(`crash loop: ${this.#exits.length} worker exits within ${CRASH_LOOP_WINDOW_MS / 1000} s and no worker stays up (listening ${STAYS_UP_MS / 1000} s); stopping the primary (exit 1). See the workers' errors above.`)
    this.#exitCode = 1
    this.#shutdown(null).catch(() => {})
    return true
  }

  /** A worker past workerMaxMemory: a new one takes its slot once listening, then it drains. */
  async #recycle (worker: Worker, rss: number): Promise<void> {
    const slot = [...this.#slots].find(([, w]) => w === worker)?.[0]
    if (slot === undefined || this.#state !== 'running' || this.#retiring.has(worker) || this.#recycling.has(worker)) return
    this.#recycling.add(worker)
    this.#opts.log.warn(`worker ${slot} (pid ${worker.process.pid}) uses ${Math.round(rss / 1048576)} MB (settings.server.workerMaxMemory ${Math.round((this.#opts.workerMaxMemory ?? 0) / 1048576)} MB): replacing it`)
    const { worker: next, listening } = this.#spawn(slot)
    try {
      await listening
    } catch (err) {
      this.#opts.log.error(`worker ${slot}: its replacement failed to boot (${(err as Error).message}); it keeps serving`)
      return
    }
    if (this.#state !== 'running' || this.#slots.get(slot) !== worker) { await this.#retire(next); return }
    this.#slots.set(slot, next)
    await this.#retire(worker)
  }

  #relay (from: Worker, msg: unknown): void {
    if ((msg as { tao?: unknown } | null)?.tao === 'memory') {
      const rss = (msg as { rss?: unknown }).rss
      if (typeof rss === 'number' && (this.#opts.workerMaxMemory ?? 0) > 0 && rss > this.#opts.workerMaxMemory!) this.#recycle(from, rss).catch(() => {})
      return
    }
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
   * `Connection: close`) to be reset. A worker stops once no connection reached it for 300 ms,
   * so whatever the primary had queued is handed over first. Waits for each answer, at most
   * the stop timeout.
   */
  async #stopAccepting (): Promise<void> {
    const listening = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && this.#listened.has(w) && w.isConnected())
    await Promise.all(listening.map((w) => new Promise<void>((resolve) => {
      const done = (): void => { clearTimeout(timer); w.off('message', onMessage); w.off('exit', done); resolve() }
      const onMessage = (msg: { tao?: string } | null): void => { if (msg?.tao === 'stopped-accepting') done() }
      const timer = setTimeout(done, this.#opts.stopTimeout)
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
    this.#finish(clean ? this.#exitCode : 1)
  }
}
