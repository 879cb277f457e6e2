import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type onRequestHookHandler, type onRouteHookHandler, type onSendHookHandler } from 'fastify'
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import type { Settings } from '../settings/index.js'
import { JsonRequestController, jsonRequestLine, lazyChildLogger, requestLoggerHook, routeLogOptions } from './request-log.js'

/** A static file is logged in pretty mode only when it fails or takes longer than this. */
const SLOW_STATIC_MS = 500

/** How the server logs: Fastify's logger options. */
export type LoggerSetup =
  | { logger: false }
  | {
    loggerInstance: FastifyBaseLogger
    logController: LogController
    childLoggerFactory: typeof lazyChildLogger
  }
  | {
    // JSON: Fastify without a logger of its own (no per-response listeners); createApp sets
    // `fastify.log` to `root`, adds `requestLogger` as the first root onRequest hook,
    // `routeLog` as an onRoute hook and `requestLine` as the first root onSend hook.
    logController: LogController
    root: Logger
    requestLogger: onRequestHookHandler
    routeLog: onRouteHookHandler
    requestLine: onSendHookHandler
  }

/** 'pretty' or 'json': `logFormat` itself, or for 'auto' pretty in debug, JSON otherwise. */
export function resolveLogFormat (settings: Settings): 'pretty' | 'json' {
  if (settings.logFormat !== 'auto') return settings.logFormat
  return settings.debug ? 'pretty' : 'json'
}

function ms (reply: FastifyReply): string {
  const t = reply.elapsedTime
  return `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`
}

/**
 * Fastify's request logging as a person reads it: one line per request (`GET /blog/ 200 3.1
 * ms`) where Fastify writes two JSON objects, static files only when slow or failing, 4xx as a
 * warning without a stack (the line says it all), 5xx as an error with its stack.
 */
export class RequestLineController extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(req)) return
    const status = reply.statusCode
    if (!error && status < 400 && req.url.startsWith('/static/') && reply.elapsedTime <= SLOW_STATIC_MS) return
    const line = `${req.method} ${req.url} ${status} ${ms(reply)}`
    if (error || status >= 500) reply.log.error(error ? { err: error } : {}, line)
    else if (status >= 400) reply.log.warn(line)
    else reply.log.info(line)
  }

  override defaultErrorLog (error: Error, req: FastifyRequest, reply: FastifyReply): void {
    // 4xx: the request line says it. 5xx: the stack, before the line.
    if (!this.isLogDisabled(req) && reply.statusCode >= 500) reply.log.error({ err: error }, error.message)
  }

  override routeNotFound (): void {}
}

/**
 * The longest a JSON log line waits in the buffer of {@link bufferedStdout}, and the most it
 * holds: PIPE_BUF, as a write of at most that many bytes to a pipe is atomic, so the lines of
 * several workers sharing one stdout never interleave.
 */
const FLUSH_MS = 100
const BATCH_SIZE = 4096

// One 'exit' listener for every buffer of the process (tests create many apps in one process):
// weakly held, so an app that is gone is not kept alive for it.
const buffers = new Set<WeakRef<() => void>>()
let exitHooked = false

function flushAtExit (flush: () => void): void {
  if (!exitHooked) {
    exitHooked = true
    process.once('exit', () => { for (const b of buffers) b.deref()?.() })
  }
  for (const b of buffers) if (b.deref() === undefined) buffers.delete(b)
  buffers.add(new WeakRef(flush))
}

/** Standard output for JSON logs: pino's lines, and the request lines of {@link jsonRequestLine}. */
export interface BatchedStdout extends DestinationStream {
  /** A line of plain ASCII, copied one byte a character, not encoded (a request line; see isPlainAscii). */
  writeLatin1 (line: string): void
  /** Writes what the batch holds, now. */
  flushSync (): void
}

/**
 * Standard output (or `fd`) for JSON logs, buffered: lines go out 4 KB at a time (some twenty
 * requests' lines in one write(2), where writing each costs about as much as the rest of logging
 * it), and at the latest FLUSH_MS after they were logged. What is left is written when the process
 * exits, a crash included; only a SIGKILL loses it.
 */
export function bufferedStdout (fd = 1): BatchedStdout {
  // Synchronous: a batch is written (EAGAIN retried) before write() returns, so nothing is in
  // flight when the process exits. The batching is ours: sonic-boom's own (minLength)
  // measures its whole buffer on every line. Each line is encoded once, into the batch: a
  // string of lines would be joined, then measured and encoded again at every write.
  const out = pino.destination({ dest: fd, sync: true, contentMode: 'buffer' })
  // Node's own write methods per encoding (on every Buffer, not in its types).
  const batch = Buffer.allocUnsafeSlow(BATCH_SIZE) as Buffer & { utf8Write (s: string, offset: number): number, latin1Write (s: string, offset: number): number }
  let used = 0
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    clearTimeout(timer)
    timer = undefined
    if (used === 0) return
    // A copy: sonic-boom keeps what it was given until it is written.
    const chunk = Buffer.from(batch.subarray(0, used))
    used = 0
    out.write(chunk as unknown as string)
  }
  // Room for `most` bytes, the most a line can take: false when it is longer than a batch and
  // went out on its own.
  const room = (line: string, most: number, encoding: 'utf8' | 'latin1'): boolean => {
    if (used + most <= BATCH_SIZE) return true
    flush()
    if (most <= BATCH_SIZE) return true
    out.write(Buffer.from(line, encoding) as unknown as string)
    return false
  }
  // Unref'd: a process with nothing else to do exits, and the exit hook writes the rest.
  const later = (): void => { timer ??= setTimeout(flush, FLUSH_MS).unref() }
  flushAtExit(flush)
  // utf8Write and latin1Write, not write(line, offset, encoding), whose argument parsing costs
  // as much as the copy.
  return {
    write (line: string): void {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      if (!room(line, line.length * 3, 'utf8')) return
      used += batch.utf8Write(line, used)
      later()
    },
    writeLatin1 (line: string): void {
      // Latin-1 is copied into the batch straight from the line's parts: no flat copy first, no encoding.
      if (!room(line, line.length, 'latin1')) return
      used += batch.latin1Write(line, used)
      later()
    },
    flushSync: flush,
  }
}

/**
 * The logger of a server. JSON lines (pino's own) in production, for log collectors: one line
 * per request (method, path, status, time, request id), written in batches by
 * {@link bufferedStdout}. In pretty mode (`tao dev`), pino-pretty writes human lines to stdout,
 * coloured on a terminal, synchronously so that a crash loses nothing; pino-pretty is imported
 * only then. Either way `req.log` is made only when something logs through it.
 */
export async function buildLogger (settings: Settings, hooks?: LoggerOptions['hooks']): Promise<LoggerSetup> {
  if (settings.logLevel === 'silent') return { logger: false }
  // `hooks`: pino's, e.g. the debug toolbar's capture of each request's lines (debug only).
  const options: LoggerOptions = hooks === undefined ? { level: settings.logLevel } : { level: settings.logLevel, hooks }
  if (resolveLogFormat(settings) === 'json') {
    const log = pino(options, bufferedStdout())
    return {
      root: log,
      requestLogger: requestLoggerHook(log),
      routeLog: routeLogOptions(log),
      requestLine: jsonRequestLine(log, settings.server.slowRequestTime),
      logController: new JsonRequestController(log),
    }
  }
  const { PinoPretty } = await import('pino-pretty')
  const stream = PinoPretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
  })
  return { loggerInstance: pino(options, stream), logController: new RequestLineController(), childLoggerFactory: lazyChildLogger }
}
