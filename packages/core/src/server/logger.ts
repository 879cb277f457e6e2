import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Settings } from '../settings/index.js'

/** A static file is logged in pretty mode only when it fails or takes longer than this. */
const SLOW_STATIC_MS = 500

/** How the server logs: Fastify's `logger` and `logController` options. */
export interface LoggerSetup {
  logger: false | { level: string, stream?: NodeJS.WritableStream }
  logController?: LogController
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
 * The logger of a server. JSON lines (pino's own) in production, for log collectors; in
 * pretty mode (`tao dev`), pino-pretty writes human lines to stdout, coloured on a terminal,
 * synchronously so that a crash loses nothing. pino-pretty is imported only then.
 */
export async function buildLogger (settings: Settings): Promise<LoggerSetup> {
  if (settings.logLevel === 'silent') return { logger: false }
  if (resolveLogFormat(settings) === 'json') return { logger: { level: settings.logLevel } }
  const { PinoPretty } = await import('pino-pretty')
  const stream = PinoPretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
  })
  return { logger: { level: settings.logLevel, stream }, logController: new RequestLineController() }
}
