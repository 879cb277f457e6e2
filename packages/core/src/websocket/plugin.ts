import type { WebsocketPluginOptions as FastifyWebsocketOptions } from '@fastify/websocket'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { WebSocket, WebSocketServer } from 'ws'
import type { RouteRecord } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import { kSocketConfig, kSocketFail, kSocketHeartbeat, kSocketLog } from '../symbols.js'
import { buildHostMatcher, buildOriginPolicy, developmentDefaults } from '../security/index.js'
import { originHost } from './origin.js'
import type { SocketConfig, TaoSocket } from './socket.js'

/** Options of {@link websocketPlugin}. */
export interface WebsocketPluginOptions {
  /** The project's routes; those of kind 'ws' are registered here. */
  routes: readonly RouteRecord[]
  settings: Settings
  /**
   * Hands the 1001 close of every socket to the app's ordered shutdown (the 'websockets'
   * phase: after requests drained, before services stop). Fastify's preClose still runs it
   * (a no-op by then) for an app closed some other way.
   */
  onShutdown?: (close: () => Promise<void>) => void
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function'

async function upgradeRequired (req: FastifyRequest, reply: FastifyReply): Promise<never> {
  reply.header('upgrade', 'websocket')
  throw taoError('TAO_ERR_WS_UPGRADE_REQUIRED', [req.url])
}

// Errors ws emits on an established socket: protocol violations and limits (ws has already
// closed with the matching code, 1009 for a too-large message) or a broken connection.
function onSocketError (err: Error & { code?: string }, _socket: WebSocket, req: FastifyRequest): void {
  if (err.code?.startsWith('WS_ERR_')) req.log.info({ err: { message: err.message, code: err.code } }, 'websocket closed by a client error')
  else req.log.debug({ err }, 'websocket connection error')
}

function asArray<T> (value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/**
 * Websocket routes: registers every `ws()` route through @fastify/websocket, in a context of
 * its own inside the `pages` context (so the upgrade request runs the session and database
 * hooks registered there before it, and plain HTTP routes never pay for websocket hooks).
 * It adds an Origin check at upgrade (403 for a host not in settings.allowedHosts), the
 * message-size limit (1009), dropping of clients that stop reading, a ping round that drops
 * clients that stop answering, containment of handler errors (1011), and, on close, after the
 * app stops accepting requests, a 1001 close of every socket.
 * @see docs/reference/websockets.md
 */
async function websocket (fastify: FastifyInstance, opts: WebsocketPluginOptions): Promise<void> {
  const routes = opts.routes.filter((r) => r.kind === 'ws')
  if (routes.length === 0) return
  // Imported only by projects with websocket routes (it brings duplexify and readable-stream).
  const { default: fastifyWebsocket } = await import('@fastify/websocket')
  // ws too: TaoSocket extends its WebSocket class.
  const [{ TaoSocket }, { closeSockets }] = await Promise.all([import('./socket.js'), import('./shutdown.js')])
  const { websocket: limits } = opts.settings
  // The same allowedHosts rule as the Host check, so a page's own origin is always allowed.
  const hosts = buildHostMatcher(opts.settings.allowedHosts, developmentDefaults(opts.settings))
  // And the CSRF allowlist: settings.csrf.trustedOrigins may open sockets too.
  const origins = buildOriginPolicy(opts.settings.csrf.trustedOrigins)
  const config: SocketConfig = Object.freeze({ maxBufferedAmount: limits.maxBufferedAmount, log: fastify.log })

  const checkOrigin: onRequestHookHandler = async (req) => {
    const origin = req.headers.origin
    if (origin === undefined) return
    const host = originHost(origin)
    if ((host === null || !hosts.allows(host)) && !origins.trusts(origin)) {
      throw taoError('TAO_ERR_WS_ORIGIN_FORBIDDEN', [origin, req.url])
    }
  }

  await fastify.register(async function websocketRoutes (scope) {
    let heartbeat: NodeJS.Timeout | undefined
    // ws's types know neither closeTimeout (ws 8.19+) nor our config key, nor subclasses.
    const serverOptions = {
      WebSocket: TaoSocket,
      [kSocketConfig]: config,
      maxPayload: limits.maxMessageSize,
      closeTimeout: limits.closeTimeout,
      perMessageDeflate: false,
    } as unknown as FastifyWebsocketOptions['options']
    await scope.register(fastifyWebsocket, {
      options: serverOptions,
      errorHandler: onSocketError,
      // Runs once Fastify has set `closing` (new requests and upgrades get 503) and before
      // server.close() waits for connections, which open sockets would hold forever.
      preClose: async () => {
        clearInterval(heartbeat)
        await closeSockets(scope.websocketServer, limits.closeTimeout)
      },
    })
    const wss: WebSocketServer = scope.websocketServer
    opts.onShutdown?.(async () => {
      clearInterval(heartbeat)
      await closeSockets(wss, limits.closeTimeout)
    })

    if (limits.pingInterval > 0) {
      scope.addHook('onReady', async () => {
        heartbeat = setInterval(() => {
          for (const socket of wss.clients) (socket as TaoSocket)[kSocketHeartbeat]()
        }, limits.pingInterval).unref()
      })
    }

    for (const r of routes) {
      const { name: _name, csrf: _csrf, config: routeConfig, onRequest, ...fastifyOptions } = r.options
      const handler = r.handler as (socket: WebSocket, req: FastifyRequest) => unknown
      scope.route({
        ...fastifyOptions,
        method: 'GET',
        url: r.path,
        onRequest: [checkOrigin, ...asArray(onRequest as onRequestHookHandler | onRequestHookHandler[] | undefined)],
        handler: upgradeRequired,
        wsHandler (socket, req) {
          const taoSocket = socket as TaoSocket
          taoSocket[kSocketLog](req.log)
          try {
            const result = handler(socket, req)
            if (isThenable(result)) result.then(undefined, (err: unknown) => taoSocket[kSocketFail](err, 'connection'))
          } catch (err) {
            taoSocket[kSocketFail](err, 'connection')
          }
        },
        config: { ...routeConfig, taoRoute: r.name, taoApp: r.app },
      })
    }
  })
}

export const websocketPlugin = fp(websocket, { name: 'tao:websocket', fastify: '5.x', dependencies: ['tao:channels'] })
