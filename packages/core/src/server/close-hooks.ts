import type { FastifyBaseLogger } from 'fastify'
import { describeError } from '../services/timing.js'

/** A step of shutdown, run after the server has stopped accepting and drained its requests. */
export type CloseHook = () => Promise<void> | void

/**
 * The phases of shutdown, in order. Between 'services' and 'database' Fastify's own onClose
 * hooks run (plugins).
 *  - 'websockets': open websockets are closed with 1001 (the websocket concern's hook);
 *  - 'services': background services stop, in reverse order;
 *  - 'database': the database client closes, last.
 */
export const CLOSE_PHASES = ['websockets', 'services', 'database'] as const

/** One of {@link CLOSE_PHASES}. */
export type ClosePhase = typeof CLOSE_PHASES[number]

/** The ordered list of close hooks of one app. */
export class CloseHooks {
  readonly #hooks: { phase: ClosePhase, name: string, hook: CloseHook }[] = []

  add (phase: ClosePhase, name: string, hook: CloseHook): void {
    if (!CLOSE_PHASES.includes(phase)) throw new TypeError(`Unknown close phase '${String(phase)}'; use one of ${CLOSE_PHASES.join(', ')}`)
    this.#hooks.push({ phase, name, hook })
  }

  /** The hooks of `phase` in registration order, as 'phase:name' (tests, debugging). */
  list (phase?: ClosePhase): string[] {
    return this.#hooks.filter((h) => phase === undefined || h.phase === phase).map((h) => `${h.phase}:${h.name}`)
  }

  /**
   * Runs the hooks of `phase` one after the other. A failing hook is logged and the next one
   * still runs (the database must close even if a service did not stop cleanly); the first
   * error is returned.
   */
  async run (phase: ClosePhase, log: FastifyBaseLogger): Promise<unknown> {
    let first: unknown
    for (const h of this.#hooks) {
      if (h.phase !== phase) continue
      try {
        await h.hook()
      } catch (err) {
        log.error({ err }, `shutdown: ${phase} hook '${h.name}' failed: ${describeError(err)}`)
        first ??= err
      }
    }
    return first
  }
}
