import type { FastifySchema, HTTPMethods } from 'fastify'
import type { WebSocket } from 'ws'
import { kRouteDef } from '../symbols.js'
import { taoError } from '../errors/index.js'
import { duration } from '../settings/validate.js'
import { checkRateLimit } from '../rate-limit/options.js'
import type { Handler, Method, PathParams, Request, RouteDef, RouteOptions, TypedHandler } from './types.js'

const METHODS = new Set<string>(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS', 'SEARCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'TRACE', 'REPORT', 'MKCALENDAR'])
const NAME = /^[A-Za-z_][\w-]*(\/[\w-]+)*$/

function normalizeOptions (where: string, nameOrOptions: string | RouteOptions | undefined): RouteOptions {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : { ...nameOrOptions }
  if (options.name !== undefined && (typeof options.name !== 'string' || !NAME.test(options.name))) {
    throw taoError('TAO_ERR_ROUTE_INVALID', [where, `the name ${JSON.stringify(options.name)} must be letters, digits, '_', '-' and '/' (the app label is added for you)`])
  }
  for (const key of ['timeout', 'dbTimeout'] as const) {
    if (options[key] === undefined) continue
    const problems: string[] = []
    const given = options[key]
    options[key] = duration(0)(given, key, problems)
    if (problems.length > 0) throw taoError('TAO_ERR_ROUTE_INVALID', [where, `the ${key} ${JSON.stringify(given)} must be a duration (milliseconds, or a string such as '2s')`])
  }
  if (options.cache !== undefined) options.cache = checkCache(where, options.cache)
  if (options.rateLimit !== undefined) options.rateLimit = checkRateLimit(`on route ${where}`, options.rateLimit)
  return options
}

function checkCache (where: string, cache: unknown): { ttl: number } {
  const ttl = (cache as { ttl?: unknown } | null)?.ttl
  const problems: string[] = []
  const ms = duration(0)(ttl, 'ttl', problems)
  if (typeof cache !== 'object' || cache === null || ttl === undefined || problems.length > 0 || ms <= 0) {
    throw taoError('TAO_ERR_ROUTE_CACHE_INVALID', [where, `cache must be { ttl } with a positive duration such as '60s', got ${JSON.stringify(cache)}`])
  }
  return Object.freeze({ ttl: ms })
}

function checkPath (where: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw taoError('TAO_ERR_ROUTE_INVALID', [where, `the path ${JSON.stringify(path)} must start with '/'`])
  }
}

function checkHandler (where: string, handler: unknown): void {
  if (typeof handler !== 'function') {
    throw taoError('TAO_ERR_ROUTE_INVALID', [where, `the handler is ${handler === undefined ? 'undefined (is the view exported?)' : typeof handler}, not a function`])
  }
}

function freeze (def: Omit<RouteDef, typeof kRouteDef>): RouteDef {
  return Object.freeze(Object.defineProperty({ ...def, options: Object.freeze(def.options) }, kRouteDef, { value: true }))
}

/**
 * Declares an HTTP route. Plain data: nothing is registered until an app is created, so two
 * apps in one process never see each other's routes.
 * @example route('GET', '/post/:slug', views.detail, 'post')  // named 'blog:post' in app blog
 * @throws TAO_ERR_ROUTE_INVALID for a bad method, path, handler or name.
 */
export function route<P extends string, S extends FastifySchema> (method: Method | Method[], path: P, handler: TypedHandler<P, S>, options: RouteOptions & { schema: S }): RouteDef
export function route<P extends string> (method: Method | Method[], path: P, handler: Handler<P>, nameOrOptions?: string | RouteOptions): RouteDef
export function route<P extends string> (method: Method | Method[], path: P, handler: Handler<P> | TypedHandler<P, FastifySchema>, nameOrOptions?: string | RouteOptions): RouteDef {
  const methods = (Array.isArray(method) ? method : [method]).map((m) => String(m).toUpperCase())
  const where = `${methods.join(',')} ${String(path)}`
  const bad = methods.find((m) => !METHODS.has(m))
  if (bad !== undefined || methods.length === 0) {
    throw taoError('TAO_ERR_ROUTE_INVALID', [where, `unknown HTTP method ${JSON.stringify(bad)}`])
  }
  checkPath(where, path)
  checkHandler(where, handler)
  const options = normalizeOptions(where, nameOrOptions)
  if (options.cache !== undefined && methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
    throw taoError('TAO_ERR_ROUTE_CACHE_INVALID', [where, 'only GET and HEAD responses are cached'])
  }
  return freeze({ kind: 'http', methods: methods as HTTPMethods[], path, handler, name: options.name, options })
}

/** A websocket handler: the open socket and the upgrade request (with session, db and typed params). */
export type WsHandler<P extends string = string> = (socket: WebSocket, req: Request<PathParams<P>>) => unknown

/**
 * Declares a websocket route, reversed by `url()` like any other.
 * @example ws('/live', views.live, 'live')
 */
export function ws<P extends string> (path: P, handler: WsHandler<P>, nameOrOptions?: string | RouteOptions): RouteDef {
  const where = `WS ${String(path)}`
  checkPath(where, path)
  checkHandler(where, handler)
  const options = normalizeOptions(where, nameOrOptions)
  return freeze({ kind: 'ws', methods: ['GET'], path, handler, name: options.name, options })
}

/** True for values made by `route()` or `ws()`. */
export function isRouteDef (value: unknown): value is RouteDef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kRouteDef] === true
}
