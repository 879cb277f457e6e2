import type { FastifyBaseLogger } from 'fastify'
import { buildSettings, type Settings, type UserSettings } from '../../src/settings/index.js'
import type { ServiceRecord } from '../../src/services/runner.js'
import type { ServiceDef } from '../../src/services/service.js'

/** A logger that keeps every line (level and message) for assertions. */
export function recordingLogger (lines: string[] = []): FastifyBaseLogger & { lines: string[] } {
  const at = (level: string) => (a: unknown, b?: unknown) => { lines.push(`${level}: ${typeof a === 'string' ? a : String(b)}`) }
  const log = {
    lines,
    level: 'info',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: () => {},
    trace: () => {},
    silent: () => {},
    child: () => log,
  }
  return log as unknown as FastifyBaseLogger & { lines: string[] }
}

/** Frozen settings from `over` (no file, no environment). */
export function testSettings (over: UserSettings = {}): Settings {
  return buildSettings(over as Record<string, unknown>, { root: process.cwd(), file: '(test)', env: {} })
}

/** Records for service declarations, as loadServices would name them in app `app`. */
export function records (defs: ServiceDef[], app = 'app'): ServiceRecord[] {
  return defs.map((def) => ({ name: `${app}:${def.name}`, app, file: `apps/${app}/services.ts`, def }))
}

/** Resolves once `check()` is true (polling every 10 ms, at most `timeout` ms). */
export async function until (check: () => boolean, timeout = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
