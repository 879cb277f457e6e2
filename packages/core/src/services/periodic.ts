import { taoError } from '../errors/index.js'
import { defineService, durationOption, type Duration, type ServiceContext, type ServiceDef } from './service.js'
import { describeError, sleep } from './timing.js'

/** Options of {@link periodic}. */
export interface PeriodicOptions {
  /** Interval between runs: milliseconds or a string such as '30s' or '5m'. */
  every: Duration
  /** Run in exactly one process among all workers and machines sharing the database. */
  once?: boolean
  /** Run once right at start instead of waiting for the first interval. Default false. */
  immediate?: boolean
  /** Longest time the service gets to finish a run at shutdown. Default: settings.services.stopTimeout. */
  stopTimeout?: Duration
}

/**
 * Declares a service that calls `fn` every `every` (plain data, like route()). Runs never
 * overlap: a run that takes longer than the interval skips the ticks it missed. A run that
 * throws is logged and the next one happens on time; `ctx.signal` aborts at shutdown.
 * @example periodic('tick', { every: '1s' }, async (ctx) => ctx.channels.publish('clock', Date.now()))
 * @throws TAO_ERR_SERVICE_INVALID for a bad name, interval or function.
 */
export function periodic (name: string, opts: PeriodicOptions, fn: (ctx: ServiceContext) => unknown): ServiceDef {
  const where = `periodic(${JSON.stringify(name)})`
  if (typeof opts !== 'object' || opts === null) {
    throw taoError('TAO_ERR_SERVICE_INVALID', [where, "the options must be an object such as { every: '1m' }"])
  }
  if (opts.every === undefined) throw taoError('TAO_ERR_SERVICE_INVALID', [where, "every is required: an interval such as 1000 or '1m'"])
  const every = durationOption(where, 'every', opts.every, 0)
  if (every < 10) throw taoError('TAO_ERR_SERVICE_INVALID', [where, 'every must be at least 10 milliseconds'])
  if (typeof fn !== 'function') throw taoError('TAO_ERR_SERVICE_INVALID', [where, `the function to run is ${typeof fn}, not a function`])

  async function run (ctx: ServiceContext): Promise<void> {
    let next = Date.now() + (opts.immediate ? 0 : every)
    while (!ctx.signal.aborted) {
      await sleep(next - Date.now(), ctx.signal)
      if (ctx.signal.aborted) return
      try {
        await fn(ctx)
      } catch (err) {
        ctx.log.error({ err }, `periodic service ${ctx.name} failed: ${describeError(err)}`)
      }
      // Fixed rate; ticks missed while a slow run went on are skipped, not queued.
      next += every
      if (next <= Date.now()) next = Date.now() + every - ((Date.now() - next) % every)
    }
  }

  return defineService('periodic', name, { run, once: opts.once, stopTimeout: opts.stopTimeout }, every)
}
