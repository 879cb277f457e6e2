import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** What the readiness endpoint reports. */
export interface Readiness {
  ready: boolean
  /** 'ready', 'starting', 'shutting down' or 'not ready'. */
  status: string
  /** 'ok', 'none' (no database configured) or why it does not answer. */
  database?: string
  /** Each service's state by name. */
  services?: Record<string, string>
}

/** Options of the health plugin. */
export interface HealthOptions {
  /** Path of the liveness endpoint, or false. */
  live: string | false
  /** Path of the readiness endpoint, or false. */
  ready: string | false
  readiness: () => Promise<Readiness>
}

/**
 * Liveness and readiness endpoints for load balancers and orchestrators, registered in the
 * root context: no session, CSRF or page code runs for them, and they are not logged per
 * request. Readiness turns 503 as soon as shutdown begins, so a balancer stops sending first.
 */
async function health (fastify: FastifyInstance, opts: HealthOptions): Promise<void> {
  const config = { taoRoute: 'tao:health' }
  if (opts.live) {
    fastify.get(opts.live, { logLevel: 'warn', config }, async (_req, reply) => {
      return reply.header('cache-control', 'no-store').send({ status: 'live' })
    })
  }
  if (opts.ready) {
    fastify.get(opts.ready, { logLevel: 'warn', config }, async (_req, reply) => {
      const result = await opts.readiness()
      const { ready, ...body } = result
      return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send(body)
    })
  }
}

export const healthPlugin = fp(health, { name: 'tao:health', fastify: '5.x' })
