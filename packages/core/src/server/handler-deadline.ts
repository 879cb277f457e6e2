import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { taoError } from '../errors/index.js'
import { kHandlerDeadline } from '../symbols.js'

/** Options of {@link handlerDeadlinePlugin}. */
export interface HandlerDeadlineOptions {
  /** settings.server.handlerTimeout, in ms; 0: no deadline unless a route sets one. */
  timeout: number
  /** Retry-After of the 503, in seconds. */
  retryAfter: number
}

declare module 'fastify' {
  interface FastifyRequest {
    [kHandlerDeadline]?: NodeJS.Timeout | undefined
  }
}

/** Fastify's own controller behind req.signal, if the handler asked for the signal. */
function signalController (req: FastifyRequest): AbortController | undefined {
  for (const key of Object.getOwnPropertySymbols(req)) {
    if (key.description === 'fastify.request.signal') return (req as unknown as Record<symbol, AbortController | undefined>)[key]
  }
  return undefined
}

function expire (req: FastifyRequest, reply: FastifyReply, ms: number, retryAfter: number): void {
  req[kHandlerDeadline] = undefined
  // An answer already started (a stream) is the handler's to finish.
  if (reply.sent || reply.raw.headersSent) return
  const route = `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`
  const err = taoError('TAO_ERR_SERVER_HANDLER_TIMEOUT', [route, ms], { retryAfter })
  req.log.error(`handler deadline: ${route} did not answer within ${ms} ms; answered 503 and aborted its req.signal`)
  reply.send(err)
  // Aborted once the 503 is out: a handler woken by the abort must not answer first.
  const controller = signalController(req)
  if (controller) reply.raw.once('close', () => controller.abort(err))
}

/**
 * The handler deadline: a request whose handler has not started its answer within
 * settings.server.handlerTimeout (or its route's `timeout` option) is answered 503 with
 * Retry-After, the route is logged, and `req.signal` aborts so the handler's own work (driver
 * reads, fetch) stops. Costs one timer and one listener per request, cleared when the
 * response ends.
 */
async function handlerDeadline (fastify: FastifyInstance, opts: HandlerDeadlineOptions): Promise<void> {
  fastify.addHook('onRequest', function startHandlerDeadline (req, reply, done) {
    const own = (req.routeOptions.config as { taoTimeout?: number } | undefined)?.taoTimeout
    const ms = own ?? opts.timeout
    if (ms > 0) {
      const timer = setTimeout(expire, ms, req, reply, ms, opts.retryAfter)
      req[kHandlerDeadline] = timer
      // One listener on the response rather than two more hooks on every route.
      reply.raw.once('close', () => clearTimeout(timer))
    }
    done()
  })
}

export const handlerDeadlinePlugin = fp(handlerDeadline, { name: 'tao:handler-deadline', fastify: '5.x' })
