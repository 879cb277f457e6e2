import fastifyHelmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import type { Settings } from '../settings/index.js'
import { kOwnContentPolicy } from '../symbols.js'

declare module 'fastify' {
  interface FastifyReply {
    /** Under debug, a page that brings its own Content-Security-Policy (the debug error page's nonce). */
    [kOwnContentPolicy]?: string
  }
}
import { developmentDefaults } from './development.js'
import { helmetOptions } from './headers.js'
import { buildHostMatcher } from './hosts.js'
import { normalizeUnreserved } from './url.js'
import { computeSecurityHeaders, contentKind, type HeaderList } from './static-headers.js'

/** Options of {@link securityPlugin}. */
export interface SecurityPluginOptions {
  settings: Settings
}

function setHeaders (reply: FastifyReply, headers: HeaderList): void {
  for (let i = 0; i < headers.length; i++) reply.header(headers[i]![0], headers[i]![1])
}

/**
 * Request safety for every request, static files and not-found pages included (register it at
 * the root): security headers (@fastify/helmet's, with tao's CSP, computed once at boot unless
 * CSP nonces are asked for) and the allowed-hosts check,
 * which answers 400 to a Host header this site does not serve. Before any other hook, percent-encoded
 * unreserved characters of the path are decoded in `req.url` (`/%61dmin` → `/admin`), as the
 * router already matched them. The Host is the one Fastify
 * reports: X-Forwarded-Host only when it comes from a trusted proxy (settings.server.trustProxy).
 */
async function security (fastify: FastifyInstance, opts: SecurityPluginOptions): Promise<void> {
  const { settings } = opts
  const helmet = helmetOptions(settings)
  if (helmet?.enableCSPNonces) {
    await fastify.register(fastifyHelmet, helmet)
  } else if (helmet) {
    const { always, documents, stylesheets, hsts } = await computeSecurityHeaders(helmet)
    // onSend, when the Content-Type is known: document headers (CSP, framing, referrer) go on
    // pages only, and HSTS on HTTPS requests only.
    // Under debug a page may bring its own CSP (the debug error page's nonce); production pays
    // nothing for that check.
    const ownPolicy = settings.debug
      ? (reply: FastifyReply) => { const own = reply[kOwnContentPolicy]; if (own !== undefined) reply.header('content-security-policy', own) }
      : null
    fastify.addHook('onSend', function securityHeaders (req, reply, payload, done) {
      setHeaders(reply, always)
      const kind = contentKind(reply.getHeader('content-type'))
      if (kind === 'document') {
        setHeaders(reply, documents)
        if (ownPolicy !== null) ownPolicy(reply)
      } else if (kind === 'stylesheet') {
        setHeaders(reply, stylesheets)
      }
      if (hsts !== undefined && req.protocol === 'https') reply.header('strict-transport-security', hsts)
      done(null, payload)
    })
  }

  const hosts = buildHostMatcher(settings.allowedHosts, developmentDefaults(settings))
  // Balancers and orchestrators probe by address (Host: 10.0.0.5:8080): the health endpoints
  // answer any Host, as Rails' /up does. They show nothing a Host could poison. Looked at only
  // once a Host failed, so allowed requests pay nothing for it.
  const { live, ready } = settings.server.health
  const healthPaths = new Set([live, ready].filter((p): p is string => typeof p === 'string').flatMap((p) => [p, `${p}/`]))
  fastify.addHook('onRequest', function checkHost (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    // First of all hooks: every later guard sees the path the router matched (see url.ts).
    const raw = req.raw.url
    if (raw !== undefined && raw.includes('%')) req.raw.url = normalizeUnreserved(raw)
    try {
      hosts.check(req.host)
    } catch (err) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        const q = req.url.indexOf('?')
        if (healthPaths.has(q === -1 ? req.url : req.url.slice(0, q))) {
          done()
          return
        }
      }
      done(err as Error)
      return
    }
    done()
  })

  const { socket, trustProxy } = settings.server
  if (socket && Array.isArray(trustProxy) && trustProxy.length > 0 && !trustProxy.includes('unix')) {
    fastify.log.warn(`settings.server.trustProxy lists addresses but not 'unix', and the server listens on the unix socket ${socket}: a proxy on the socket has no address, so its X-Forwarded-* headers are ignored. Add 'unix' to trustProxy.`)
  }
}

export const securityPlugin = fp(security, { name: 'tao:security', fastify: '5.x', dependencies: ['tao:errors'] })
