import cluster from 'node:cluster'
import { setCurrentApp } from './current.js'
import type { TaoApp, ListenOptions } from './tao-app.js'

/** Options of {@link serve}. */
export interface ServeOptions extends ListenOptions {
  /** Called once listening, with the address (default: logs it). */
  onListen?: (address: string) => void
}

/** Longest a shutdown may take before the process exits anyway: every step is bounded. */
function shutdownDeadline (app: TaoApp): number {
  const { server, services } = app.settings
  const stops = app.services.records.reduce((sum, r) => sum + (r.def.stopTimeout ?? services.stopTimeout), 0)
  return server.shutdownTimeout + stops + 10_000
}

/**
 * Runs an app as this process's server: starts its services, listens, and on SIGTERM or
 * SIGINT (or the cluster primary's request) shuts down in order (see TaoApp.close) and exits
 * 0. A second signal exits at once (1). SIGHUP is for the cluster primary: a single process
 * ignores it with a warning.
 * @throws what app.listen() throws (a service that failed to start, a socket in use), after
 *   closing what had started.
 */
export async function serve (app: TaoApp, opts: ServeOptions = {}): Promise<string> {
  const log = app.fastify.log
  let stopping = false
  const stop = (why: string): void => {
    if (stopping) {
      log.warn(`${why} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    log.info(`${why}: shutting down`)
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, shutdownDeadline(app)).unref()
    app.close().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  if (cluster.isWorker) {
    // The primary asks over IPC, so a worker that also got the terminal's SIGINT is not
    // counted as asked twice.
    process.on('message', (msg: { tao?: string } | null) => {
      if (msg?.tao === 'shutdown' && !stopping) stop('shutdown requested by the primary')
    })
    process.on('SIGHUP', () => {})
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
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
    throw err
  }
  opts.onListen?.(address)
  return address
}
