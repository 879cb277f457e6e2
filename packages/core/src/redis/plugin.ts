import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Settings } from '../settings/index.js'
import { kRedis } from '../symbols.js'
import { RedisConnections } from './connections.js'

declare module 'fastify' {
  interface FastifyInstance {
    [kRedis]: RedisConnections
  }
}

/** Options of {@link redisPlugin}. */
export interface RedisPluginOptions {
  settings: Settings
}

/**
 * The app's Redis connections, at the root so channels, the cache and rate limits share them.
 * Registering connects nothing; each concern asks for a connection when it needs one. Registered
 * before those concerns, it closes after them (onClose runs in reverse order).
 */
async function redis (fastify: FastifyInstance, opts: RedisPluginOptions): Promise<void> {
  const connections = new RedisConnections(opts.settings, fastify.log)
  fastify.decorate(kRedis, connections)
  fastify.addHook('onReady', async () => { connections.start() })
  fastify.addHook('onClose', async () => { await connections.close() })
}

export const redisPlugin = fp(redis, { name: 'tao:redis', fastify: '5.x' })
