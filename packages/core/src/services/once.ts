import type { FastifyBaseLogger } from 'fastify'
import { isDatabaseUnavailableError } from '../db/outage.js'
import type { Lease } from './lease.js'
import type { ServiceRunner, ServiceStatus } from './runner.js'
import { backoff, describeError, withTimeout } from './timing.js'

/**
 * Runs a `once: true` service only while this process holds its lease. The holder renews the
 * lease every third of its ttl and stops the service if it cannot (it lapsed and was taken, or
 * the database stayed unreachable for most of the ttl), so two processes never run it together.
 * The others stand by and poll; the first to find the lease lapsed (or released) takes over.
 * With the database down at boot it waits (state 'waiting', readiness false) and keeps trying
 * with a growing delay, instead of failing the start: the rest of the site serves meanwhile.
 */
export class OnceSupervisor {
  readonly #runner: ServiceRunner
  readonly #lease: Lease
  readonly #log: FastifyBaseLogger
  #holding = false
  #lastRenewed = 0
  #failedStarts = 0
  /** Lease checks in a row that found the database unavailable. */
  #unavailable = 0
  #stopping = false
  #timer: NodeJS.Timeout | undefined
  #tick: Promise<void> = Promise.resolve()

  constructor (runner: ServiceRunner, lease: Lease, log: FastifyBaseLogger) {
    this.#runner = runner
    this.#lease = lease
    this.#log = log
  }

  get name (): string {
    return this.#runner.record.name
  }

  status (): ServiceStatus {
    return this.#runner.status()
  }

  /**
   * At boot: takes the lease if free and starts the service, or stands by.
   * @throws what the service's start() threw (the lease is released first).
   */
  async start (): Promise<void> {
    this.#stopping = false
    let acquired: boolean
    try {
      acquired = await this.#lease.acquire()
    } catch (err) {
      if (!isDatabaseUnavailableError(err)) throw err
      this.#unavailable = 1
      this.#runner.waitForDatabase()
      this.#log.warn(`service ${this.name} waits for the database (${describeError(err)}); it starts once its lease can be read, and readiness is false until then`)
      this.#schedule(this.#pollEvery)
      return
    }
    if (acquired) {
      await this.#begin(true)
    } else {
      this.#runner.standBy()
      this.#log.info(`service ${this.name} stands by: another process holds its lease`)
    }
    this.#schedule(this.#holding ? this.#renewEvery : this.#pollEvery)
  }

  get #renewEvery (): number {
    return Math.max(50, Math.floor(this.#lease.ttl / 3))
  }

  get #pollEvery (): number {
    return Math.min(2_000, Math.max(50, Math.floor(this.#lease.ttl / 5)))
  }

  async #begin (atBoot: boolean): Promise<void> {
    this.#holding = true
    this.#lastRenewed = Date.now()
    try {
      await this.#runner.start()
      this.#failedStarts = 0
      this.#log.info(`service ${this.name} ${atBoot ? 'holds its lease and runs here' : 'took over its lease and runs here'}`)
    } catch (err) {
      this.#holding = false
      await this.#lease.release().catch(() => {})
      throw err
    }
  }

  #schedule (ms: number): void {
    if (this.#stopping) return
    this.#timer = setTimeout(() => { this.#tick = this.#step() }, ms)
  }

  async #step (): Promise<void> {
    let next = this.#pollEvery
    try {
      if (this.#holding) {
        next = this.#renewEvery
        await this.#renew()
      } else if (this.#runner.state !== 'failed' && await this.#acquire()) {
        if (this.#stopping) { await this.#lease.release(); return }
        await this.#begin(false).catch((err: unknown) => {
          this.#failedStarts++
          next = backoff(this.#failedStarts - 1, this.#pollEvery, 30_000)
          this.#log.error({ err }, `service ${this.name} failed to start after taking over: ${describeError(err)}; trying again in ${next} ms`)
        })
        if (this.#holding) next = this.#renewEvery
      }
    } catch (err) {
      if (isDatabaseUnavailableError(err) && !this.#holding) {
        // Still no database: try again later, less often, and not ready meanwhile.
        next = backoff(this.#unavailable++, this.#pollEvery, 5_000)
        this.#runner.waitForDatabase()
      } else {
        this.#log.warn({ err }, `service ${this.name}: lease check failed: ${describeError(err)}`)
      }
    } finally {
      this.#schedule(next)
    }
  }

  /** acquire(), noting that the database answered; stands by when another process holds the lease. */
  async #acquire (): Promise<boolean> {
    const acquired = await this.#lease.acquire()
    if (this.#unavailable > 0) this.#log.info(`service ${this.name}: the database answers again`)
    this.#unavailable = 0
    if (!acquired) this.#runner.standBy()
    return acquired
  }

  async #renew (): Promise<void> {
    if (this.#runner.state === 'failed') {
      // It gave up here: let another process try.
      this.#holding = false
      await this.#lease.release()
      return
    }
    let ours: boolean | undefined
    try {
      // Bounded: a renewal stuck on an unreachable database must not outlive the lease.
      ours = await withTimeout(this.#lease.renew(), this.#renewEvery, `no answer within ${this.#renewEvery} ms`)
    } catch (err) {
      this.#log.warn({ err }, `service ${this.name}: could not renew its lease: ${describeError(err)}`)
    }
    if (ours === true) {
      this.#lastRenewed = Date.now()
      return
    }
    // Stop before the lease can lapse for others: never two holders at once.
    if (ours === false || Date.now() - this.#lastRenewed > this.#lease.ttl * 0.6) {
      this.#holding = false
      this.#log.warn(`service ${this.name} lost its lease; stopping it here`)
      await this.#runner.stop()
      this.#runner.standBy()
    }
  }

  /** Stops the service if it runs here and gives the lease up for another process. */
  async stop (): Promise<void> {
    this.#stopping = true
    clearTimeout(this.#timer)
    await this.#tick
    await this.#runner.stop()
    if (this.#holding) {
      this.#holding = false
      await this.#lease.release().catch((err: unknown) => {
        this.#log.warn({ err }, `service ${this.name}: could not release its lease: ${describeError(err)}`)
      })
    }
  }
}
