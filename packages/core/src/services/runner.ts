import type { FastifyBaseLogger } from 'fastify'
import { kContextClose } from '../symbols.js'
import type { OwnedServiceContext } from './context.js'
import type { ServiceContext, ServiceDef } from './service.js'
import { backoff, describeError, TimeoutError, withTimeout } from './timing.js'

/** Where a service is in its life. */
export type ServiceState =
  | 'idle' | 'starting' | 'running' | 'restarting' | 'standby' | 'waiting' | 'stopping' | 'stopped' | 'failed'

/** A service's state as shown by the readiness endpoint and logs. */
export interface ServiceStatus {
  name: string
  state: ServiceState
  once: boolean
  /** Restarts after crashes since boot. */
  restarts: number
  lastError?: string
}

/** One service declared by an app, with its full name. */
export interface ServiceRecord {
  /** 'app:name' */
  readonly name: string
  readonly app: string
  /** The services module that declared it. */
  readonly file: string
  readonly def: ServiceDef
}

/** What a runner needs from the app. */
export interface RunnerDeps {
  /** A fresh context for one instance of the service. */
  context: (signal: AbortSignal) => ServiceContext
  log: FastifyBaseLogger
  /** Stop timeout when the service sets none (settings.services.stopTimeout). */
  stopTimeout: number
  /** Called when the service gives up after too many crashes (once: frees the lease). */
  onFailed?: () => void
}

/** One started instance of a service: its context, abort controller and run() promise. */
interface Instance {
  controller: AbortController
  ctx: ServiceContext
  running: Promise<void> | null
  startedAt: number
}

/**
 * Runs one service in this process: start() → run(); a crash is logged, the instance stopped,
 * and a new one started after a backoff following the service's restart policy.
 */
export class ServiceRunner {
  readonly record: ServiceRecord
  readonly #deps: RunnerDeps
  #state: ServiceState = 'idle'
  #restarts = 0
  #inARow = 0
  #lastError: string | undefined
  #instance: Instance | null = null
  #restartTimer: NodeJS.Timeout | undefined
  #stopping = false
  #cleanup: Promise<void> = Promise.resolve()

  constructor (record: ServiceRecord, deps: RunnerDeps) {
    this.record = record
    this.#deps = deps
  }

  get state (): ServiceState {
    return this.#state
  }

  /** Shows the runner as standing by (a once service whose lease another process holds). */
  standBy (): void {
    if (this.#state === 'idle' || this.#state === 'stopped' || this.#state === 'waiting') this.#state = 'standby'
  }

  /** Shows the runner as waiting for the database (a once service that cannot read its lease yet). */
  waitForDatabase (): void {
    if (this.#state === 'idle' || this.#state === 'stopped' || this.#state === 'standby') this.#state = 'waiting'
  }

  status (): ServiceStatus {
    return {
      name: this.record.name,
      state: this.#state,
      once: this.record.def.once,
      restarts: this.#restarts,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    }
  }

  /**
   * Starts an instance and resolves once start() has; run() goes on in the background.
   * @throws whatever start() threw, or a TimeoutError after the service's startTimeout.
   */
  async start (): Promise<void> {
    this.#stopping = false
    this.#inARow = 0
    await this.#startInstance()
  }

  async #startInstance (): Promise<void> {
    const def = this.record.def
    this.#state = 'starting'
    const controller = new AbortController()
    const ctx = this.#deps.context(controller.signal)
    const instance: Instance = { controller, ctx, running: null, startedAt: Date.now() }
    this.#instance = instance
    try {
      if (def.start) {
        await withTimeout(Promise.resolve().then(() => def.start!(ctx)), def.startTimeout, `start() did not finish within ${def.startTimeout} ms`)
      }
    } catch (err) {
      controller.abort()
      this.#instance = null
      this.#state = 'stopped'
      // A start that timed out may still hold resources: give stop() its chance.
      if (err instanceof TimeoutError) await this.#stopInstance(instance)
      throw err
    }
    if (this.#stopping) return
    this.#state = 'running'
    instance.startedAt = Date.now()
    if (def.run) instance.running = this.#watch(instance)
  }

  async #watch (instance: Instance): Promise<void> {
    let failure: unknown
    try {
      await this.record.def.run!(instance.ctx)
      if (instance.controller.signal.aborted) return
      failure = new Error('run() returned while the service was still meant to run')
    } catch (err) {
      if (instance.controller.signal.aborted) return
      failure = err
    }
    this.#crashed(failure, instance)
  }

  /** After a crash of `instance` (or a failed restart, with none): stop it, then restart or give up. */
  #crashed (err: unknown, instance: Instance | null): void {
    const { name, def } = this.record
    this.#lastError = describeError(err)
    if (instance) {
      if (this.#instance === instance) this.#instance = null
      // The old instance is stopped (best effort, bounded) before a new one starts.
      this.#cleanup = this.#stopInstance(instance)
      if (def.restart && Date.now() - instance.startedAt >= def.restart.resetAfter) this.#inARow = 0
    }
    if (this.#stopping) return
    const policy = def.restart
    if (policy === false || this.#inARow >= policy.maxRestarts) {
      this.#state = 'failed'
      this.#deps.log.error({ err }, `service ${name} crashed: ${this.#lastError}; it is not restarted again (restart policy)`)
      this.#deps.onFailed?.()
      return
    }
    const delay = backoff(this.#inARow, policy.delay, policy.maxDelay)
    this.#inARow++
    this.#state = 'restarting'
    this.#deps.log.error({ err }, `service ${name} crashed: ${this.#lastError}; restarting in ${delay} ms`)
    this.#restartTimer = setTimeout(() => { this.#restart().catch(() => {}) }, delay)
  }

  async #restart (): Promise<void> {
    await this.#cleanup
    if (this.#stopping) return
    this.#restarts++
    try {
      await this.#startInstance()
      this.#deps.log.info(`service ${this.record.name} restarted`)
    } catch (err) {
      if (this.#stopping) return
      this.#crashed(err, null)
    }
  }

  async #stopInstance (instance: Instance): Promise<void> {
    const { name, def } = this.record
    const timeout = def.stopTimeout ?? this.#deps.stopTimeout
    instance.controller.abort()
    const work = (async () => {
      if (def.stop) await def.stop(instance.ctx)
      await instance.running
      // The websocket clients of ctx.connect() began closing with the abort; wait for them.
      await (instance.ctx as Partial<OwnedServiceContext>)[kContextClose]?.()
    })()
    try {
      await withTimeout(work, timeout, `did not stop within ${timeout} ms`)
    } catch (err) {
      this.#deps.log.warn({ err }, `service ${name} ${err instanceof TimeoutError ? err.message : `failed while stopping: ${describeError(err)}`}`)
    }
  }

  /** Stops the service (waiting at most its stop timeout) and cancels any pending restart. */
  async stop (): Promise<void> {
    this.#stopping = true
    clearTimeout(this.#restartTimer)
    const instance = this.#instance
    this.#instance = null
    if (instance) {
      this.#state = 'stopping'
      await this.#stopInstance(instance)
    }
    await this.#cleanup
    if (this.#state !== 'failed') this.#state = 'stopped'
  }
}
