import { performance } from 'node:perf_hooks'
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type onRequestHookHandler, type onRouteHookHandler, type onSendHookHandler } from 'fastify'
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from 'pino'
import type { BatchedStdout } from './logger.js'

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
  const stream = l[pino.symbols.streamSym] as DestinationStream & Partial<BatchedStdout>
  // pino's "pid" and "hostname" bindings, fixed for the logger's life.
  const bindings = l[pino.symbols.chindingsSym] as string
  // Request lines go out as Latin-1 (copied, not encoded) when the stream takes it and the line
  // is ASCII: the bindings are checked once, the URL per line.
  const latin1 = stream.writeLatin1 !== undefined && /^[\x20-\x7e]*$/.test(bindings) ? stream as BatchedStdout : null
  let ms = 0
  let head = ''
  return function requestLine (req, reply, payload, done) {
    const statusCode = reply.statusCode
    const start = (req.log as unknown as { start?: number }).start
    const hundredths = start === undefined ? 0 : Math.round((performance.now() - start) * 100)
    const responseTime = hundredths / 100
    if (statusCode >= 500 || (slowMs > 0 && responseTime >= slowMs)) {
      const line = { reqId: req.id, method: req.method, url: req.url, statusCode, responseTime }
      if (statusCode >= 500) log.error(line, 'request errored')
      else log.warn({ ...line, slow: true }, 'slow request')
    } else if (log.levelVal <= INFO) {
      // The common line, written as pino would write it (same keys, same order, pino's own
      // "pid" and "hostname" bindings) without its generic serializer: on a small route,
      // pino's per-call work costs more than the request's other logging together. Only the
      // URL may need JSON escaping: the id is Fastify's (`req-` and base 36), the method one
      // llhttp knows; the line's start is made once per millisecond, the response time's text
      // once per value.
      const now = Date.now()
      if (now !== ms) {
        ms = now
        head = `{"level":30,"time":${now}${bindings},"reqId":"`
      }
      const url = req.url
      const plain = latin1 !== null && isPlainAscii(url)
      const line = `${head}${req.id}","method":"${req.method}","url":${plain ? `"${url}"` : JSON.stringify(url)},"statusCode":${statusCode},"responseTime":${timeText(hundredths)},"msg":"request completed"}\n`
      if (plain) latin1.writeLatin1(line)
      else stream.write(line)
    }
    done(null, payload)
  }
}

/** How many hundredths of a millisecond have their text kept: the first 100 ms, some 400 KB at most. */
const KEPT_TIMES = 10_000
// Dense from the start, indexed by small integers: a sparse array would keep its elements in a
// dictionary, and look each up by the index's text.
const TIMES: Array<string | undefined> = new Array<string | undefined>(KEPT_TIMES).fill(undefined)

/** `hundredths` of a millisecond as a JSON number of milliseconds (1234 → '12.34'), kept below 100 ms. */
function timeText (hundredths: number): string {
  if (!(hundredths >= 0 && hundredths < KEPT_TIMES)) return String(hundredths / 100)
  const i = hundredths | 0
  return (TIMES[i] ??= String(i / 100))
}

/**
 * True when `s` can go into a JSON string as it is, one byte a character: printable ASCII, no
 * quote or backslash. (Other URLs are escaped by JSON.stringify and written as UTF-8, so a
 * line is always valid UTF-8.) A loop: on a URL it costs less than a regular expression or
 * JSON.stringify.
 */
export function isPlainAscii (s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false
  }
  return true
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
