import type { FastifyRequest } from 'fastify'
import type { Db } from 'mongodb'
import { taoError } from '../errors/index.js'
import { currentApp } from '../server/current.js'
import type { TaoApp } from '../server/tao-app.js'
import { kAuth } from '../symbols.js'
import type { AuthRuntime } from './runtime.js'

/** Where the auth functions find the database and settings: a request, or a tao app. */
export type AuthSource = FastifyRequest | TaoApp

declare module 'fastify' {
  interface FastifyInstance {
    /** The auth concern's boot-time state (only when settings.auth is on). */
    [kAuth]?: AuthRuntime
  }
}

/** The database and auth state of `source` (default: the app this process serves). */
export function resolveAuthSource (source: AuthSource | undefined, what: string): { db: Db, rt: AuthRuntime, req: FastifyRequest | null } {
  const app = source ?? currentApp(what)
  const isRequest = 'server' in app && 'raw' in app
  const fastify = isRequest ? (app as FastifyRequest).server : (app as TaoApp).fastify
  const rt = fastify[kAuth]
  if (rt === undefined) throw taoError('TAO_ERR_AUTH_NOT_ENABLED', [what])
  return { db: app.db, rt, req: isRequest ? app as FastifyRequest : null }
}
