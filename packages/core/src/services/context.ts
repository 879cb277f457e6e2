import type { FastifyBaseLogger } from 'fastify'
import type { Db } from 'mongodb'
import type { Settings } from '../settings/index.js'
import type { Channels } from '../websocket/channels.js'
import type { ServiceContext } from './service.js'

/** What {@link createServiceContext} builds a context from. */
export interface ServiceContextSource {
  name: string
  signal: AbortSignal
  log: FastifyBaseLogger
  settings: Settings
  /** Read on each `ctx.db` access, so a service without database use never needs one. */
  db: () => Db
  channels: () => Channels
}

/** A frozen {@link ServiceContext}; `db` and `channels` are read from the app on each access. */
export function createServiceContext (src: ServiceContextSource): ServiceContext {
  return Object.freeze({
    name: src.name,
    signal: src.signal,
    log: src.log,
    settings: src.settings,
    get db () { return src.db() },
    get channels () { return src.channels() },
  })
}
