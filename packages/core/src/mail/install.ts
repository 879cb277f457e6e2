import type { FastifyInstance } from 'fastify'
import type { Settings } from '../settings/index.js'
import { kMail } from '../symbols.js'
import { buildMailBackend } from './transport.js'

/**
 * Builds the mail backend of settings.mail.url at the root of the server, once (nothing
 * connects until the first mail), and closes it with the server.
 * @throws TAO_ERR_MAIL_URL_INVALID
 */
export function installMail (fastify: FastifyInstance, settings: Settings): void {
  const backend = buildMailBackend(settings)
  fastify.decorate(kMail, { backend, from: settings.mail.from })
  fastify.addHook('onClose', async () => { backend.close() })
}
