import cluster from 'node:cluster'
import { CRASH_DRAIN_MS, installCrashPolicy } from './crash.js'
import { setCurrentApp } from './current.js'
import type { TaoApp, ListenOptions } from './tao-app.js'

/** Options of {@link serve}. */
export interface ServeOptions extends ListenOptions {
  /** Called once listening, with the address (default: logs it). */
  onListen?: (address: string) => void
}

/** Longest a shutdown may take before the process exits anyway: every step is bounded. */
function shutdownDeadline (app: TaoApp, drain: number): number {
  const { services } = app.settings
  const stops = app.services.records.reduce((sum, r) => sum + (r.def.stopTimeout ?? services.stopTimeout), 0)
  return drain + stops + 10_000
}

/** A worker past `max` bytes of RSS tells the primary once, which replaces it gracefully. */
function reportMemory (max: number): void {
  if (max <= 0) return
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss()
    if (rss <= max) return
    clearInterval(timer)
    process.send?.({ tao: 'memory', rss })
  }, 1_000).unref()
}

/**
 * Runs an app as this process's server: starts its services, listens, and on SIGTERM or
 * SIGINT (or the cluster primary's request) shuts down in order (see TaoApp.close) and exits
 * 0, or 1 when requests had to be cut at settings.server.shutdownTimeout. A second signal
 * exits at once (1). SIGHUP is for the cluster primary: a single process ignores it with a
 * warning; SIGUSR2 is ignored (never kills). A crash (see crash.ts) drains briefly and exits 1.
 * @throws what app.listen() throws (a service that failed to start, a socket in use), after
 *   closing what had started.
 */
export async function serve (app: TaoApp, opts: ServeOptions = {}): Promise<string> {
  const log = app.fastify.log
  let stopping = false
  const stop = (why: string, crashed = false): void => {
    if (stopping) {
      if (crashed) return
      log.warn(`${why} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    log[crashed ? 'error' : 'info'](`${why}: shutting down`)
    const drain = crashed ? Math.min(CRASH_DRAIN_MS, app.settings.server.shutdownTimeout) : app.settings.server.shutdownTimeout
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, shutdownDeadline(app, drain)).unref()
    app.close({ drainTimeout: drain }).then(() => process.exit(crashed || app.requestsCut > 0 ? 1 : 0), (err: unknown) => {
      log.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  const onSignal = (signal: NodeJS.Signals): void => stop(signal)
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  // Node's default for SIGUSR2 is to die; tao logs to stdout/stderr, so there is nothing to reopen.
  process.on('SIGUSR2', () => log.info('SIGUSR2 ignored (tao logs to stdout/stderr: nothing to reopen)'))
  const uninstall = installCrashPolicy(app, log, (why) => stop(why, true))
  if (cluster.isWorker) {
    // The primary asks over IPC, so a worker that also got the terminal's SIGINT is not
    // counted as asked twice. 'stop-accepting' comes first at a cluster shutdown: every worker
    // stops taking connections before any answers `Connection: close` (see cluster.ts).
    process.on('message', (msg: { tao?: string } | null) => {
      if (msg?.tao === 'stop-accepting') {
        app.stopAccepting().then(() => process.send?.({ tao: 'stopped-accepting' }), () => {})
      }
      if (msg?.tao === 'shutdown' && !stopping) stop('shutdown requested by the primary')
    })
    process.on('SIGHUP', () => {})
    reportMemory(app.settings.server.workerMaxMemory)
  } else {
    process.on('SIGHUP', () => log.warn('SIGHUP ignored: restarting workers one by one needs `tao start --workers N`'))
  }
  setCurrentApp(app)
  let address: string
  try {
    address = await app.listen(opts)
  } catch (err) {
    stopping = true
    // Release what started before the failure (database client, embedded store and its lock)
    // so the process can exit and a restarted one can open var/db.
    await app.close().catch(() => {})
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    uninstall()
    throw err
  }
  opts.onListen?.(address)
  return address
}
