import type { FastifyBaseLogger } from 'fastify'
import type { Db } from 'mongodb'
import type { Settings } from '../settings/index.js'
import { kContextClose } from '../symbols.js'
import type { Channels } from '../websocket/channels.js'
import { WebsocketClient, type WebsocketClientOptions } from '../websocket/client/index.js'
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

/** A context, with what the runner calls once the instance's signal aborted. */
export type OwnedServiceContext = ServiceContext & { readonly [kContextClose]: () => Promise<void> }

/**
 * A frozen {@link ServiceContext}; `db` and `channels` are read from the app on each access.
 * The websocket clients it opens close when the signal aborts; `ctx[kContextClose]()` waits
 * for them (the runner calls it when it stops the instance).
 */
export function createServiceContext (src: ServiceContextSource): OwnedServiceContext {
  const clients = new Set<WebsocketClient>()
  return Object.freeze({
    name: src.name,
    signal: src.signal,
    log: src.log,
    settings: src.settings,
    get db () { return src.db() },
    get channels () { return src.channels() },
    connect (url: string | URL, options: WebsocketClientOptions = {}): WebsocketClient {
      // The service's signal always ends the client; a signal of the caller may end it sooner.
      const signal = options.signal ? AbortSignal.any([src.signal, options.signal]) : src.signal
      for (const c of clients) if (c.state === 'closed') clients.delete(c)
      const client = new WebsocketClient(url, { log: src.log, ...options, signal })
      if (client.state !== 'closed') clients.add(client)
      return client
    },
    [kContextClose]: async () => {
      await Promise.all([...clients].map((c) => c.close(1001, 'Going away')))
      clients.clear()
    },
  })
}
