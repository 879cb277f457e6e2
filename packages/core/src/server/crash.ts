import type { FastifyBaseLogger } from 'fastify'
import { describeError } from '../services/timing.js'
import { currentRoute } from './route-context.js'
import type { TaoApp } from './tao-app.js'

/**
 * How long a crashed process keeps answering the requests it had before exiting: short, as the
 * process is in an unknown state, but enough for the other clients' requests to finish.
 */
export const CRASH_DRAIN_MS = 3_000

// "(started by GET /x; requests in flight: GET /y)", either part when known, or nothing.
function describeWhere (route: string | undefined, inFlight: string[]): string {
  const parts = [
    ...(route === undefined ? [] : [`started by ${route}`]),
    ...(inFlight.length > 0 ? [`requests in flight: ${inFlight.join(', ')}`] : []),
  ]
  return parts.length > 0 ? ` (${parts.join('; ')})` : ''
}

/** What {@link installCrashPolicy} does once a crash is decided: drain briefly and exit 1. */
export type CrashStop = (why: string) => void

/**
 * The crash policy of a serving process: an uncaught exception (or, unless
 * settings.server.unhandledRejection is 'log', an unhandled rejection) is logged by tao with
 * the error, the route whose handler started the failing code (when known, see
 * route-context.ts) and the requests in flight, then `stop` drains for {@link CRASH_DRAIN_MS} and exits
 * non-zero so the supervisor (systemd, the cluster primary) starts a fresh process. Returns
 * the function that removes the handlers.
 */
export function installCrashPolicy (app: TaoApp, log: FastifyBaseLogger, stop: CrashStop): () => void {
  let crashed = false
  const crash = (kind: string, err: unknown): void => {
    const routes = app.requestsInFlight()
    const where = describeWhere(currentRoute(), routes)
    log.fatal({ err }, `${kind}: ${describeError(err)}${where}`)
    if (crashed) return
    crashed = true
    stop(`${kind}, draining for at most ${CRASH_DRAIN_MS} ms, then exiting 1`)
  }
  const onException = (err: Error): void => crash('uncaught exception', err)
  const onRejection = (reason: unknown): void => {
    if (app.settings.server.unhandledRejection === 'log') {
      log.error({ err: reason }, `unhandled rejection (logged and ignored: settings.server.unhandledRejection is 'log'): ${describeError(reason)}${describeWhere(currentRoute(), [])}`)
      return
    }
    crash('unhandled rejection', reason)
  }
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
