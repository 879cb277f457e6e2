import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Settings } from '../settings/index.js'
// For its FastifyInstance[kRedis] declaration (the plugin is registered before this one).
import '../redis/plugin.js'
import { kChannels, kRedis } from '../symbols.js'
import { Channels } from './channels.js'
import { resolveTransport } from './transport.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The app's broadcast groups: join, leave, publish, size. */
    readonly channels: Channels
  }
  interface FastifyInstance {
    [kChannels]: Channels
  }
}

/** Options of {@link channelsPlugin}. */
export interface ChannelsPluginOptions {
  settings: Settings
}

/**
 * The app's channels, at the root so that views, websocket handlers and services share them:
 * builds the transport from settings.websocket (Redis pub/sub when a Redis URL is set) once, decorates the instance and
 * `req.channels`, and closes the transport when the app closes.
 * @throws TAO_ERR_WS_TRANSPORT_INVALID (see resolveTransport).
 */
async function channelsRoot (fastify: FastifyInstance, opts: ChannelsPluginOptions): Promise<void> {
  // tao:redis, when registered (createApp does, before this), gives channels over Redis.
  const redis = fastify.hasDecorator(kRedis) ? fastify[kRedis] : undefined
  const channels = new Channels(resolveTransport(opts.settings.websocket, redis, fastify.log), fastify.log)
  fastify.decorate(kChannels, channels)
  fastify.decorateRequest('channels', { getter: () => channels })
  fastify.addHook('onClose', async () => { await channels.close() })
}

export const channelsPlugin = fp(channelsRoot, { name: 'tao:channels', fastify: '5.x' })
