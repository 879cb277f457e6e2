import { setCurrentApp } from './current.js'
import type { TaoApp, ListenOptions } from './tao-app.js'

/** Options of {@link serve}. */
export interface ServeOptions extends ListenOptions {
  /** Called once listening, with the address (default: logs it). */
  onListen?: (address: string) => void
}

/**
 * Runs an app as this process's server: listens, and on SIGTERM or SIGINT stops accepting,
 * lets in-flight requests finish, closes, and exits 0. A second signal exits at once (1).
 */
export async function serve (app: TaoApp, opts: ServeOptions = {}): Promise<string> {
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      app.fastify.log.warn(`${signal} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    app.fastify.log.info(`${signal}: shutting down`)
    app.close().then(() => process.exit(0), (err: unknown) => {
      app.fastify.log.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  setCurrentApp(app)
  let address: string
  try {
    address = await app.listen(opts)
  } catch (err) {
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
