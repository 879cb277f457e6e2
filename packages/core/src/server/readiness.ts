import type { Db } from 'mongodb'
import type { ServiceStatus } from '../services/runner.js'
import { describeError, withTimeout } from '../services/timing.js'
import type { Readiness } from './health.js'

/** 'ok', or why the database does not answer a ping within `timeout` ms. */
export async function pingDatabase (db: () => Db, timeout: number): Promise<string> {
  try {
    await withTimeout(Promise.resolve().then(() => db().command({ ping: 1 })), timeout, `no answer within ${timeout} ms`)
    return 'ok'
  } catch (err) {
    return `unreachable: ${describeError(err)}`
  }
}

/** States in which a service does not make the app unready (a restart is in hand). */
const HEALTHY = new Set(['running', 'standby', 'restarting'])

/**
 * Readiness from its parts: ready once started, while the database answers and no service has
 * failed for good (or is still starting). `servicesOn` false: services are not part of it.
 */
export function readinessOf (started: boolean, database: string, services: ServiceStatus[], servicesOn: boolean): Readiness {
  const byName = Object.fromEntries(services.map((s) => [s.name, s.state]))
  if (!started) return { ready: false, status: 'starting', database, services: byName }
  const ok = database === 'ok' && (!servicesOn || services.every((s) => HEALTHY.has(s.state)))
  return { ready: ok, status: ok ? 'ready' : 'not ready', database, services: byName }
}
