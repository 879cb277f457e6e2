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
  interface FastifyReply {
    /** When this request's handler deadline passes (ms since the epoch). */
    [kHandlerDeadline]?: number
  }
}

/** Fastify's own controller behind req.signal, if the handler asked for the signal. */
function signalController (req: FastifyRequest): AbortController | undefined {
  for (const key of Object.getOwnPropertySymbols(req)) {
    if (key.description === 'fastify.request.signal') return (req as unknown as Record<symbol, AbortController | undefined>)[key]
  }
  return undefined
}

function expire (reply: FastifyReply, ms: number, retryAfter: number): void {
  const req = reply.request
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
 * reads, fetch) stops.
 *
 * One sweep, not a timer per request: a timer armed and cleared around every request cost about
 * 57,000 instructions per request on the hello route (Node re-creates its timer list and
 * re-arms libuv's timer each time). A request now pays a Date.now(), a Set insertion and a
 * deletion when its answer starts; the sweep, every quarter of the shortest deadline (25 ms to 1 s),
 * answers the late ones (and forgets aborted ones), so a deadline fires up to that much late.
 */
async function handlerDeadline (fastify: FastifyInstance, opts: HandlerDeadlineOptions): Promise<void> {
  const pending = new Set<FastifyReply>()
  let shortest = Infinity
  // Armed per route at boot: no lookup of the route's options per request, and nothing at all
  // on routes without a deadline (static files, health, a route's timeout: 0).
  fastify.addHook('onRoute', (route) => {
    const config = route.config as { taoRoute?: string, taoTimeout?: number } | undefined
    if (config?.taoRoute === undefined) return
    const ms = config.taoTimeout ?? opts.timeout
    if (!(ms > 0)) return
    shortest = Math.min(shortest, ms)
    const startHandlerDeadline = function (_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
      reply[kHandlerDeadline] = Date.now() + ms
      pending.add(reply)
      done()
    }
    const own = route.onRequest
    route.onRequest = (own === undefined ? [startHandlerDeadline] : [...(Array.isArray(own) ? own : [own]), startHandlerDeadline]) as typeof route.onRequest
    const ownSend = route.onSend
    route.onSend = (ownSend === undefined ? [endHandlerDeadline] : [...(Array.isArray(ownSend) ? ownSend : [ownSend]), endHandlerDeadline]) as typeof route.onSend
  })

  // Forgotten as soon as the answer starts (onSend: the deadline is met then): a reply kept
  // until the next sweep (up to a second, with the default 30 s deadline) outlived two
  // scavenges with its request, response and socket, and was promoted; at 20k requests/s the
  // old generation grew by 150 MB between mark-compacts, and every scavenge copied the
  // survivors: the hello route spent more CPU in the collector than in tao's own code. onSend,
  // not onResponse: routes already run onSend hooks (security headers, session), so this is
  // one more call in that run, where an onResponse hook added a hook run to every request
  // (about 6% of the hello route's requests/s for the whole deadline, against 0.9x goals).
  const endHandlerDeadline = function (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
    pending.delete(reply)
    done(null, payload)
  }

  let sweeper: NodeJS.Timeout | null = null
  const sweep = (): void => {
    const now = Date.now()
    for (const reply of pending) {
      if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
        pending.delete(reply)
      } else if ((reply[kHandlerDeadline] ?? Infinity) <= now) {
        pending.delete(reply)
        const config = reply.request.routeOptions.config as { taoTimeout?: number } | undefined
        expire(reply, config?.taoTimeout ?? opts.timeout, opts.retryAfter)
      }
    }
  }
  fastify.addHook('onReady', function startSweep (done) {
    if (shortest < Infinity) sweeper = setInterval(sweep, Math.min(1000, Math.max(25, Math.floor(shortest / 4)))).unref()
    done()
  })
  fastify.addHook('onClose', function stopSweep (_instance, done) {
    if (sweeper !== null) clearInterval(sweeper)
    pending.clear()
    done()
  })
}

export const handlerDeadlinePlugin = fp(handlerDeadline, { name: 'tao:handler-deadline', fastify: '5.x' })
