import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type onRequestHookHandler, type onRouteHookHandler, type onSendHookHandler } from 'fastify'
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from 'pino'

const INFO = 30

/**
 * Production request logging (JSON): one line per request, where Fastify writes two
 * (`incoming request`, `request completed`) with nested `req` and `res` objects:
 *   {"level":30,...,"reqId":"req-1","method":"GET","url":"/blog/","statusCode":200,"responseTime":1.2,"msg":"request completed"}
 * A 5xx is logged at `error` (its stack first, by the controller's defaultErrorLog), a request
 * slower than settings.server.slowRequestTime at `warn`: both show even when logLevel is 'warn'.
 *
 * The line is written by a root `onSend` hook, when the response is handed to Node, not on its
 * 'finish' event: with a logger, Fastify adds 'finish' and 'error' listeners and two clocks to
 * every response for that, which cost more than the line itself (about half of the default
 * logging's instructions on the hello route). So Fastify runs without a logger of its own;
 * `fastify.log` is set to the pino logger, `req.log` is a {@link RequestLogger}, and
 * `responseTime` runs from routing (when the RequestLogger is made) to `onSend`: it leaves out
 * the time the client takes to read the body.
 */
export function jsonRequestLine (log: Logger, slowMs: number): onSendHookHandler {
  const l = log as unknown as Record<symbol, unknown>
  const stream = l[pino.symbols.streamSym] as DestinationStream
  // pino's "pid" and "hostname" bindings, fixed for the logger's life.
  const bindings = l[pino.symbols.chindingsSym] as string
  let ms = 0
  let time = ''
  return function requestLine (req, reply, payload, done) {
    const statusCode = reply.statusCode
    const start = (req.log as unknown as { start?: number }).start
    const responseTime = start === undefined ? 0 : Math.round((performance.now() - start) * 100) / 100
    if (statusCode >= 500 || (slowMs > 0 && responseTime >= slowMs)) {
      const line = { reqId: req.id, method: req.method, url: req.url, statusCode, responseTime }
      if (statusCode >= 500) log.error(line, 'request errored')
      else log.warn({ ...line, slow: true }, 'slow request')
    } else if (log.levelVal <= INFO) {
      // The common line, written as pino would write it (same keys, same order, pino's own
      // "pid" and "hostname" bindings) without its generic serializer: on a small route,
      // pino's per-call work costs more than the request's other logging together. Only the
      // URL needs JSON escaping: the id is Fastify's (`req-` and base 36), the method one
      // llhttp knows; the time is formatted once per millisecond.
      const now = Date.now()
      if (now !== ms) {
        ms = now
        time = String(now)
      }
      stream.write(`{"level":30,"time":${time}${bindings},"reqId":"${req.id}","method":"${req.method}","url":${JSON.stringify(req.url)},"statusCode":${statusCode},"responseTime":${responseTime},"msg":"request completed"}\n`)
    }
    done(null, payload)
  }
}

/** Fastify's log controller under {@link jsonRequestLine}: the line is the hook's. */
export class JsonRequestController extends LogController {
  readonly #log: Logger

  constructor (log: Logger) {
    super()
    this.#log = log
  }

  override incomingRequest (): void {}

  // Called only where a route has onResponse hooks: the onSend hook wrote the line already.
  override requestCompleted (): void {}

  override defaultErrorLog (error: Error, req: FastifyRequest, reply: FastifyReply): void {
    // 4xx: the request line says it. 5xx: the stack, before the line.
    if (reply.statusCode >= 500) this.#log.error({ reqId: req.id, err: error }, error.message)
  }

  // The 404 is in the request line; Fastify would add a "Route ... not found" line.
  override routeNotFound (): void {}
}

/**
 * `req.log`: pino's child logger with the request id, made the first time a handler or hook
 * logs at an enabled level. Fastify makes one per request by default, which costs more than
 * writing the request line itself.
 */
class RequestLogger {
  /** When the request was routed (performance.now()): the start of the JSON line's responseTime. */
  readonly start: number
  readonly #parent: Logger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: Logger | undefined

  constructor (parent: Logger, bindings: Bindings, options: ChildLoggerOptions = {}, start = performance.now()) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
    this.start = start
  }

  get #log (): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level (): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level
  }

  set level (level: string) {
    this.#log.level = level
  }

  /** The child when `level` would be written, else null (no child made for a debug call at 'info'). */
  #at (level: Level): Logger | null {
    if (this.#child !== undefined) return this.#child.isLevelEnabled(level) ? this.#child : null
    if (this.#options.level === undefined && !this.#parent.isLevelEnabled(level)) return null
    return this.#log.isLevelEnabled(level) ? this.#log : null
  }

  fatal (...args: unknown[]): void { this.#write('fatal', args) }
  error (...args: unknown[]): void { this.#write('error', args) }
  warn (...args: unknown[]): void { this.#write('warn', args) }
  info (...args: unknown[]): void { this.#write('info', args) }
  debug (...args: unknown[]): void { this.#write('debug', args) }
  trace (...args: unknown[]): void { this.#write('trace', args) }
  silent (): void {}

  #write (level: Level, args: unknown[]): void {
    const log = this.#at(level)
    if (log !== null) (log[level] as (...a: unknown[]) => void)(...args)
  }

  child (bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#log.child(bindings, options)
  }

  bindings (): Bindings {
    return this.#log.bindings()
  }

  isLevelEnabled (level: string): boolean {
    return this.#child?.isLevelEnabled(level) ?? (this.#options.level === undefined ? this.#parent.isLevelEnabled(level) : this.#log.isLevelEnabled(level))
  }
}

/** Fastify's childLoggerFactory: a {@link RequestLogger} instead of a pino child per request. */
export function lazyChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger
}

/**
 * JSON logs: `req.log` (and `reply.log`) made by the first root `onRequest` hook over `root`,
 * where Fastify, without a logger of its own, gives every request its null logger. Not through
 * a `childLoggerFactory`: Fastify checks every logger such a factory returns for its seven
 * methods, on every request (about a third of the default logging's instructions on the hello
 * route). A route's own `logLevel` and `logSerializers` are kept by {@link routeLogOptions}.
 */
export function requestLoggerHook (root: Logger): onRequestHookHandler {
  return function requestLogger (req, reply, done) {
    const log = new RequestLogger(root, { reqId: req.id }) as unknown as FastifyBaseLogger
    req.log = log
    reply.log = log
    done()
  }
}

/**
 * An `onRoute` hook: a route declaring `logLevel` or `logSerializers` gets its `req.log` made
 * with them, by an `onRequest` hook of its own (after {@link requestLoggerHook}, whose start
 * time it keeps).
 */
export function routeLogOptions (root: Logger): onRouteHookHandler {
  return (route) => {
    if (route.logLevel === undefined && route.logSerializers === undefined) return
    const { logLevel: level, logSerializers: serializers } = route
    const routeLogger: onRequestHookHandler = function routeLogger (req, reply, done) {
      const start = (req.log as unknown as RequestLogger).start
      const log = new RequestLogger(root, { reqId: req.id }, { ...(level ? { level } : {}), ...(serializers ? { serializers } : {}) }, start) as unknown as FastifyBaseLogger
      req.log = log
      reply.log = log
      done()
    }
    const own = route.onRequest
    route.onRequest = own === undefined ? [routeLogger] : [routeLogger, ...(Array.isArray(own) ? own : [own])]
  }
}
