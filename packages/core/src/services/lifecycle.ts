import type { FastifyBaseLogger } from 'fastify'
import type { Db } from 'mongodb'
import { taoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import type { Channels } from '../websocket/channels.js'
import { createServiceContext } from './context.js'
import { holderId, Lease } from './lease.js'
import { OnceSupervisor } from './once.js'
import { ServiceRunner, type ServiceRecord, type ServiceStatus } from './runner.js'
import { describeError } from './timing.js'

/** What the services need from their app; `db` and `channels` are read when first used. */
export interface ServiceManagerDeps {
  settings: Settings
  log: FastifyBaseLogger
  /** The app's database (ready before services start). */
  db: () => Db
  channels: () => Channels
}

interface Supervisor {
  readonly name: string
  start (): Promise<void>
  stop (): Promise<void>
  status (): ServiceStatus
}

/**
 * The services of one app: starts them all concurrently (rolling back the started ones if one
 * fails), reports their states, and stops them in reverse order of declaration.
 */
export class ServiceManager {
  readonly records: readonly ServiceRecord[]
  readonly #deps: ServiceManagerDeps
  #supervisors: Supervisor[] = []
  #starting: Promise<void> | null = null
  #started = false

  constructor (records: readonly ServiceRecord[], deps: ServiceManagerDeps) {
    this.records = records
    this.#deps = deps
  }

  /** True once every service has started (or stands by for its lease). */
  get started (): boolean {
    return this.#started
  }

  #supervisor (record: ServiceRecord, holder: string): Supervisor {
    const { settings } = this.#deps
    const log = this.#deps.log.child({ service: record.name })
    const runner = new ServiceRunner(record, {
      log,
      stopTimeout: settings.services.stopTimeout,
      context: (signal) => createServiceContext({ name: record.name, signal, log, settings, db: this.#deps.db, channels: this.#deps.channels }),
    })
    if (!record.def.once) {
      return { name: record.name, start: () => runner.start(), stop: () => runner.stop(), status: () => runner.status() }
    }
    return new OnceSupervisor(runner, new Lease(this.#deps.db, record.name, holder, settings.services.leaseTtl), log)
  }

  /**
   * Starts every service concurrently; resolves when all have started. Idempotent.
   * @throws TAO_ERR_SERVICE_START_FAILED naming the first service (in declaration order) that
   *   failed and its cause, after stopping the ones that had started.
   */
  start (): Promise<void> {
    this.#starting ??= this.#startAll()
    return this.#starting
  }

  async #startAll (): Promise<void> {
    const holder = holderId()
    this.#supervisors = this.records.map((r) => this.#supervisor(r, holder))
    const results = await Promise.allSettled(this.#supervisors.map((s) => s.start()))
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: this.#supervisors[i]!.name, err: r.reason as unknown }] : []))
    if (failed.length === 0) {
      this.#started = true
      return
    }
    const started = this.#supervisors.filter((_s, i) => results[i]!.status === 'fulfilled')
    for (const s of [...started].reverse()) await s.stop()
    this.#supervisors = []
    const first = failed[0]!
    const others = failed.slice(1).map((f) => `'${f.name}' (${describeError(f.err)})`)
    const stopped = started.length > 0 ? `The services already started were stopped (${started.map((s) => s.name).join(', ')}).` : 'No other service was running.'
    throw taoError('TAO_ERR_SERVICE_START_FAILED', [first.name, describeError(first.err) + (others.length > 0 ? `; also failed: ${others.join(', ')}` : ''), stopped], { service: first.name }, { cause: first.err })
  }

  /** Stops the services in reverse order of declaration, each within its stop timeout. */
  async stop (): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {})
    const list = this.#supervisors
    this.#supervisors = []
    this.#started = false
    this.#starting = null
    for (const s of [...list].reverse()) await s.stop()
  }

  /** Each service's state, in declaration order. */
  status (): ServiceStatus[] {
    if (this.#supervisors.length === 0) {
      return this.records.map((r) => ({ name: r.name, state: 'idle', once: r.def.once, restarts: 0 }))
    }
    return this.#supervisors.map((s) => s.status())
  }
}
