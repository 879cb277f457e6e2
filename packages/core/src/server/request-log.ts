import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type onSendHookHandler } from 'fastify'
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
      // pino's per-call work costs more than the request's other logging together.
      stream.write(`{"level":30,"time":${Date.now()}${l[pino.symbols.chindingsSym] as string},"reqId":${JSON.stringify(req.id)},"method":${JSON.stringify(req.method)},"url":${JSON.stringify(req.url)},"statusCode":${statusCode},"responseTime":${responseTime},"msg":"request completed"}\n`)
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
  /** When routing made it (performance.now()): the start of the JSON line's responseTime. */
  readonly start = performance.now()
  readonly #parent: Logger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: Logger | undefined

  constructor (parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
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
 * The childLoggerFactory of a Fastify without a logger of its own ({@link jsonRequestLine}):
 * Fastify passes its null logger, the RequestLogger is made over `root`.
 */
export function lazyChildLoggerOf (root: Logger): typeof lazyChildLogger {
  return (_null, bindings, options) => new RequestLogger(root, bindings, options) as unknown as FastifyBaseLogger
}
