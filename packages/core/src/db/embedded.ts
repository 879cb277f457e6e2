import { join } from 'node:path'
import type { EmbeddedMongo } from '@tao/embedded-mongo'
import { taoError, type TaoErrorDetails } from '../errors/index.js'
import type { Settings } from '../settings/index.js'

/** The environment variable that gives worker processes the primary's database URL. */
export const DATABASE_URL_ENV = 'TAO_DATABASE_URL'

/** Where the database of an app is: an embedded store (on disk or in memory), or a server. */
export type DatabaseTarget =
  | { readonly kind: 'embedded', readonly dir: string | undefined }
  | { readonly kind: 'server', readonly url: string }

/**
 * The database the settings ask for: no URL is the embedded store in `<root>/var/db`,
 * `'memory'` the embedded store in memory, anything else a MongoDB server.
 */
export function databaseTarget (settings: Settings): DatabaseTarget {
  const url = settings.database.url
  if (url === undefined) return { kind: 'embedded', dir: join(settings.root, 'var', 'db') }
  if (url === 'memory') return { kind: 'embedded', dir: undefined }
  return { kind: 'server', url }
}

/**
 * The embedded store's package, imported when a store starts: a project whose database is a
 * MongoDB server never loads it (with its query engine, some 350 modules).
 */
let embedded: typeof import('@tao/embedded-mongo') | undefined
let embeddedCodes: ReadonlySet<string> = new Set()
let loading: Promise<typeof import('@tao/embedded-mongo')> | undefined

/**
 * Imports the embedded store's package (once). createApp awaits it before the server is built
 * when the settings ask for the store: the import (a few hundred modules) must not run inside
 * the onReady hook that starts the store, which Fastify's pluginTimeout bounds.
 */
export function loadEmbedded (): Promise<typeof import('@tao/embedded-mongo')> {
  loading ??= import('@tao/embedded-mongo').then((m) => {
    embedded = m
    embeddedCodes = new Set<string>(m.embeddedErrorCodes)
    return m
  })
  return loading
}

/** Imports the embedded store's package when `settings` use it; nothing for a MongoDB server. */
export async function prepareDatabase (settings: Settings): Promise<void> {
  if (databaseTarget(settings).kind === 'embedded') await loadEmbedded()
}

/** An EmbeddedMongoError as the TaoError with the same code and message; anything else unchanged. */
export function fromEmbeddedError (err: unknown): unknown {
  // Without the package loaded, no store ran in this process to throw one.
  if (embedded === undefined || !(err instanceof embedded.EmbeddedMongoError) || !embeddedCodes.has(err.code)) return err
  return taoError(err.code, [err.message], { ...(err.details as TaoErrorDetails | undefined) }, { cause: err })
}

/**
 * Starts the embedded store in `dir` (in memory when undefined). It listens on a unix socket
 * in a private directory (mode 0700) where the platform has them, so only this user can reach
 * it and each message costs the kernel less than TCP loopback; on TCP loopback on Windows.
 * @throws TAO_ERR_EMBEDDED_* as TaoErrors (e.g. TAO_ERR_EMBEDDED_LOCKED: another process owns `dir`).
 */
export async function startEmbeddedStore (dir: string | undefined, log?: (msg: string) => void): Promise<EmbeddedMongo> {
  try {
    return await (await loadEmbedded()).startEmbeddedMongo({ dir, log, transport: 'auto' })
  } catch (err) {
    throw fromEmbeddedError(err)
  }
}

/** An embedded store started by a primary process for its workers. */
export interface SharedDatabase {
  /**
   * The URL workers connect to; pass it to them as TAO_DATABASE_URL. A unix socket's URL
   * (`mongodb://%2Ftmp%2Ftao-db-PID-XXXXXX%2Fmongodb.sock/?directConnection=true`) where the
   * platform has them, `mongodb://127.0.0.1:PORT/?directConnection=true` otherwise.
   */
  readonly url: string
  /** The data directory; undefined in memory. */
  readonly dir: string | undefined
  /** Stops the store and releases its directory; call it after the workers exited. */
  close (): Promise<void>
}

/**
 * For a primary process that forks workers: starts the project's embedded store once, in this
 * process, so every worker uses the same data. Returns null when the settings name a MongoDB
 * server (each worker then connects to it by itself).
 * @throws TAO_ERR_EMBEDDED_* as TaoErrors.
 * @example
 *   const shared = await startSharedDatabase(settings)
 *   const env = shared ? { ...process.env, TAO_DATABASE_URL: shared.url } : process.env
 *   cluster.setupPrimary({ env })  // or cluster.fork(env)
 *   // at shutdown, after the workers exited:
 *   await shared?.close()
 * @see docs/architecture.md, section Database
 */
export async function startSharedDatabase (settings: Settings, log?: (msg: string) => void): Promise<SharedDatabase | null> {
  const target = databaseTarget(settings)
  if (target.kind === 'server') return null
  const store = await startEmbeddedStore(target.dir, log)
  return { url: store.uri, dir: store.dir, close: () => store.close() }
}
