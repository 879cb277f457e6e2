import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from 'mongodb'
import type { Settings } from '../settings/index.js'
import { kDatabase, kDbView, kErrorPages } from '../symbols.js'
import { checkDatabase } from './checks.js'
import { Database } from './client.js'
import { boundDb } from './deadline.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The project's database: a `Db` of the official `mongodb` driver (settings.database.name),
     * over the one pooled client of the process. Available in every handler, hook and
     * websocket handler; reading it connects nothing. In an HTTP request its operations keep
     * the request's database deadline (settings.database.timeout, the route's `dbTimeout`):
     * past it they fail with TAO_ERR_DB_TIMEOUT (a 503).
     * @see docs/reference/database.md
     */
    readonly db: Db
  }
  interface FastifyInstance {
    [kDatabase]: Database
  }
}

/** Options of {@link databasePlugin}. */
export interface DatabasePluginOptions {
  settings: Settings
}

type DeadlineConfig = { taoRoute?: string, taoDbTimeout?: number, taoDbDeadline?: number } | undefined

/**
 * The database concern, registered at the root so every request (the websocket upgrade
 * included) has `req.db`:
 *   1. at boot, build the one client (a bad URL fails here);
 *   2. when the app becomes ready, log the advisory checks, start the embedded store if there
 *      is no URL, and connect;
 *   3. map driver outage errors to 503 through the error pages;
 *   4. at close (after the server stopped and everything registered later closed), close the
 *      client, then the store.
 */
async function database (fastify: FastifyInstance, opts: DatabasePluginOptions): Promise<void> {
  const db = new Database(opts.settings, fastify.log)
  fastify.decorate(kDatabase, db)
  // Each HTTP route of the project gets its database deadline at boot: its own dbTimeout, else
  // settings.database.timeout (websocket routes have none: their request lasts the socket's life).
  fastify.addHook('onRoute', (route) => {
    const config = route.config as DeadlineConfig
    if (config?.taoRoute === undefined || route.websocket === true || (route as { wsHandler?: unknown }).wsHandler !== undefined) return
    const ms = config.taoDbTimeout ?? opts.settings.database.timeout
    if (ms > 0) config.taoDbDeadline = ms
  })
  // A getter on the request prototype: it costs nothing until a handler reads it, so static
  // files and routes that never read req.db never touch the database. A request with a deadline
  // gets, on its first read, the Db bound to that deadline (kept for its later reads).
  // (kept on the request under a symbol, added on first read: a WeakMap's entries cost the
  // garbage collector more than the property costs a request).
  fastify.decorateRequest('db', {
    getter (this: FastifyRequest & { [kDbView]?: Db }): Db {
      const known = this[kDbView]
      if (known !== undefined) return known
      const ms = (this.routeOptions.config as DeadlineConfig)?.taoDbDeadline
      if (ms === undefined) return db.db
      return (this[kDbView] = boundDb(db.db, db.deadline(ms)))
    },
  })
  fastify[kErrorPages].translators.push((err, route) => db.translate(err, route))
  fastify.addHook('onReady', async () => {
    for (const check of checkDatabase(opts.settings)) fastify.log.warn(`${check.id}: ${check.msg} ${check.hint}`)
    await db.start()
  })
  // onClose hooks run in reverse order of registration: registered early, the database
  // closes after services and websockets registered later.
  fastify.addHook('onClose', async () => { await db.close() })
}

export const databasePlugin = fp(database, { name: 'tao:db', fastify: '5.x', dependencies: ['tao:errors'] })
