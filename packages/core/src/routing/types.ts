import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest, FastifySchema, HTTPMethods, RawRequestDefaultExpression, RawServerDefault, RouteShorthandOptions } from 'fastify'

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** `':slug'`, `':id(^\\d+)'`, `':page?'` → the parameter's name. */
type ParamName<S extends string> = S extends `${infer N}(${string}` ? N : S extends `${infer N}?` ? N : S

type Params<P extends string> =
  P extends `${string}:${infer Rest}`
    ? Rest extends `${infer Param}/${infer Tail}`
      ? { [K in ParamName<Param>]: string } & Params<Tail>
      : { [K in ParamName<Rest>]: string }
    : P extends `${string}*` ? { '*': string } : unknown

/**
 * The parameters of a route path, typed from the path string:
 * `PathParams<'/post/:slug'>` is `{ slug: string }`.
 */
export type PathParams<P extends string> = Simplify<Params<P> & {}>

/** The request a tao handler receives: a Fastify request with typed path parameters. */
export type Request<P = Record<string, string>> = FastifyRequest<{ Params: P }>

/** The reply a tao handler receives: Fastify's, with `render` and `redirectTo`. */
export type Reply = FastifyReply

/** A handler for the route at path `P`. */
export type Handler<P extends string = string> = (req: Request<PathParams<P>>, reply: Reply) => unknown

/** Per-route options: a name, and Fastify route options (schema, config, hooks ...). */
export interface RouteOptions extends Omit<RouteShorthandOptions, 'handler'> {
  /** Route name inside its app; the full name is 'app:name'. */
  name?: string
  /** CSRF protection for unsafe methods (default true); turn off for APIs with their own auth. */
  csrf?: boolean
  /**
   * This route's handler deadline (ms, or '2s'), instead of settings.server.handlerTimeout:
   * past it the request is answered 503 and `req.signal` aborts. 0: none.
   */
  timeout?: number | string
  /**
   * This route's database deadline (ms, or '30s'), instead of settings.database.timeout: its
   * operations through `req.db` must end within it, else the request answers 503. 0: none.
   */
  dbTimeout?: number | string
  /**
   * Cache this page's responses (GET/HEAD routes only): a response to an anonymous request (no
   * session cookie, no Authorization) that sets no cookie is kept for `ttl` and served to the
   * next such requests, per URL and the request headers its `Vary` names, with an ETag (304 on
   * If-None-Match). @see docs/reference/cache.md
   */
  cache?: { ttl: number | string }
  /**
   * At most `max` requests per `window` and key (default key: the client address); past it, a
   * 429 with Retry-After. Counted in Redis when configured (every machine), else per process.
   * @see docs/reference/cache.md
   */
  rateLimit?: RateLimitOptions
}

/** A rate limit: at most `max` requests per `window` and key. */
export interface RateLimitOptions {
  /** Requests allowed per window and key. */
  max: number
  /** The window: milliseconds or a duration string such as '1m'. */
  window: number | string
  /** What is counted, from the request (default: the client address, req.ip). */
  key?: (req: FastifyRequest) => string | Promise<string>
}

export type Method = HTTPMethods | Lowercase<HTTPMethods>

/** A declared route: plain, frozen data returned by `route()` and `ws()`. */
export interface RouteDef {
  readonly kind: 'http' | 'ws'
  readonly methods: readonly HTTPMethods[]
  readonly path: string
  readonly handler: (...args: never[]) => unknown
  readonly name: string | undefined
  readonly options: Readonly<RouteOptions>
}

/**
 * Route names and their parameters, filled in by the declaration file that `tao types`
 * (and `tao dev`, `tao build`) generate from the discovered routes. Empty until then, in which
 * case any string is accepted.
 */

export interface RouteParamsMap {}

type Known = keyof RouteParamsMap
/** A route name: checked against the generated map once it exists. */
export type RouteName = [Known] extends [never] ? string : Known
/** Query string values for `url()`. */
export type Query = Record<string, string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>>
/** The parameters `url(name, …)` needs for route `N`. */
export type ParamsFor<N> = N extends Known ? RouteParamsMap[N] : Record<string, string | number>
/** The rest arguments of `url()`: params are required when the route has any. */
export type UrlArgs<N> = N extends Known
  ? (keyof RouteParamsMap[N] extends never ? [params?: Record<string, never>, query?: Query] : [params: RouteParamsMap[N], query?: Query])
  : [params?: Record<string, string | number>, query?: Query]

/**
 * The request of a route declaring `schema: { params?, querystring?, body?, headers? }` in
 * TypeBox: `req.params`, `req.query`, `req.body` typed from the schemas by Fastify's TypeBox
 * type provider (path parameters from the path when `params` is not declared).
 */
export type TypedRequest<P extends string, S extends FastifySchema> =
  FastifyRequest<{ Params: PathParams<P> }, RawServerDefault, RawRequestDefaultExpression, S, TypeBoxTypeProvider>

/** A handler of a route with a TypeBox schema. */
export type TypedHandler<P extends string, S extends FastifySchema> = (req: TypedRequest<P, S>, reply: Reply) => unknown
