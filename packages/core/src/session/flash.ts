import type { FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'

/** Levels of flash messages (Django's message levels). */
export type FlashLevel = 'debug' | 'info' | 'success' | 'warning' | 'error'

/** A message stored by `req.flash()` and shown once. */
export interface FlashMessage {
  readonly level: FlashLevel
  readonly text: string
}

/** The session key under which pending messages are kept. */
export const FLASH_KEY = '_flash'

const LEVELS: ReadonlySet<string> = new Set<FlashLevel>(['debug', 'info', 'success', 'warning', 'error'])

function pending (req: FastifyRequest): FlashMessage[] {
  const stored: unknown = req.session?.get(FLASH_KEY)
  if (!Array.isArray(stored)) return []
  // The session is ours (encrypted), but an old release may have stored another shape.
  return stored.filter((m): m is FlashMessage =>
    typeof m === 'object' && m !== null && LEVELS.has((m as FlashMessage).level) && typeof (m as FlashMessage).text === 'string')
}

/**
 * Stores a message in the session, to be shown once by the next page that displays messages
 * (typically after a redirect).
 * @throws TAO_ERR_SESSION_FLASH_INVALID for an unknown level or a text that is not a string.
 * @example req.flash('success', 'Saved.'); return reply.redirectTo('blog:index')
 */
export function addFlash (req: FastifyRequest, level: FlashLevel, text: string): void {
  if (!LEVELS.has(level)) throw taoError('TAO_ERR_SESSION_FLASH_INVALID', [`the level ${JSON.stringify(level)} is unknown`])
  if (typeof text !== 'string') throw taoError('TAO_ERR_SESSION_FLASH_INVALID', [`the text is ${text === null ? 'null' : typeof text}, not a string`])
  req.session.set(FLASH_KEY, [...pending(req), { level, text }])
}

/**
 * The pending flash messages, oldest first, removed from the session: each is returned once.
 * Returns [] when there are none, or when the request has no session (static files). Call it
 * only when the messages are shown, since reading them consumes them.
 */
export function consumeMessages (req: FastifyRequest): FlashMessage[] {
  if (req.session?.get(FLASH_KEY) === undefined) return []
  const messages = pending(req)
  req.session.set(FLASH_KEY, undefined)
  return messages
}
