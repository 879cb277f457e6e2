import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Closes the socket of an upgrade request that was answered with plain HTTP (a 400 from the
 * host check, a 403 Origin refusal, a 404 for an unknown path). Such sockets left Node's
 * HTTP server at the 'upgrade' event, so nothing else ends them: a client could keep one open
 * and hold up shutdown forever. @fastify/websocket only ends those whose request reached its
 * own hooks, so this runs at the root, and only in apps that have websocket routes.
 */
async function upgradeGuard (fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onResponse', (req, reply, done) => {
    if (req.headers.upgrade !== undefined) reply.raw.socket?.destroy()
    done()
  })
}

export const upgradeGuardPlugin = fp(upgradeGuard, { name: 'tao:upgrade-guard', fastify: '5.x' })
