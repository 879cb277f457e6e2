import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { taoError } from '../errors/index.js'
import { SAFE_METHODS } from '../routing/register.js'
import type { OriginPolicy } from '../security/origins.js'
import { escapeHtml } from '../server/negotiate.js'

/** The form field and headers a CSRF token is read from. */
export const CSRF_FIELD = '_csrf'
const CSRF_HEADERS = ['x-csrf-token', 'x-xsrf-token'] as const

/** The token a request carries: the `_csrf` field of a form or JSON body, else the X-CSRF-Token header. */
export function csrfTokenOf (req: FastifyRequest): string | undefined {
  const body = req.body as Record<string, unknown> | null | undefined
  if (typeof body === 'object' && body !== null && typeof body[CSRF_FIELD] === 'string') return body[CSRF_FIELD]
  for (const h of CSRF_HEADERS) {
    const value = req.headers[h]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

/**
 * A fresh CSRF token for this request's session (stored in it on first use), for a meta tag
 * or a script's X-CSRF-Token header. Each call gives a different token; all stay valid for the
 * session.
 */
export function csrfToken (_req: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf()
}

/**
 * The hidden form input carrying a CSRF token: what `csrf_field()` puts in a template.
 * @example `<form method="post">${csrfField(req, reply)}...</form>`
 */
export function csrfField (req: FastifyRequest, reply: FastifyReply): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken(req, reply))}">`
}

/**
 * The origin checks of an unsafe request, as Django's CsrfViewMiddleware: an Origin header, when
 * present, must be this site or a trusted origin; over HTTPS without one, the Referer must be an
 * HTTPS page of this site or of a trusted origin. Returns the refusal, or null.
 */
function originRefusal (req: FastifyRequest, policy: OriginPolicy, where: [string, string]) {
  const origin = req.headers.origin
  if (origin !== undefined) {
    return policy.allowsOrigin(origin, req.protocol, req.host) ? null : taoError('TAO_ERR_CSRF_ORIGIN_FORBIDDEN', [...where, origin.slice(0, 200)])
  }
  if (req.protocol !== 'https') return null
  const problem = policy.refererProblem(req.headers.referer, req.host)
  if (problem === null) return null
  return problem === 'missing' ? taoError('TAO_ERR_CSRF_REFERER_MISSING', where) : taoError('TAO_ERR_CSRF_REFERER_FORBIDDEN', [...where, problem.slice(0, 300)])
}

/**
 * The preValidation hook refusing unsafe requests (POST, PUT, PATCH, DELETE ...) from another
 * origin (Origin, and Referer over HTTPS) or without a valid token, unless the route opted out
 * with `{ csrf: false }`.
 * @throws TAO_ERR_CSRF_ORIGIN_FORBIDDEN, TAO_ERR_CSRF_REFERER_MISSING, TAO_ERR_CSRF_REFERER_FORBIDDEN,
 *   TAO_ERR_CSRF_TOKEN_MISSING, TAO_ERR_CSRF_SESSION_MISSING, TAO_ERR_CSRF_TOKEN_INVALID (403)
 */
export function buildCsrfCheck (fastify: FastifyInstance, sessionKey: string, policy: OriginPolicy) {
  return function checkCsrf (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (SAFE_METHODS.has(req.method) || req.routeOptions.config.csrf === false) {
      done()
      return
    }
    const where = [req.method, req.url.split('?', 1)[0]!] as [string, string]
    const refused = originRefusal(req, policy, where)
    if (refused !== null) {
      done(refused)
      return
    }
    if (csrfTokenOf(req) === undefined) {
      done(taoError('TAO_ERR_CSRF_TOKEN_MISSING', where))
      return
    }
    if (typeof req.session?.get(sessionKey) !== 'string') {
      done(taoError('TAO_ERR_CSRF_SESSION_MISSING', where))
      return
    }
    // @fastify/csrf-protection's check only answers through reply.send(error) or next(), and
    // synchronously: a stand-in reply turns its answer into tao's own error.
    let invalid = false
    const stand = { send: () => { invalid = true } } as unknown as FastifyReply
    fastify.csrfProtection(req, stand, () => {})
    done(invalid ? taoError('TAO_ERR_CSRF_TOKEN_INVALID', where) : undefined)
  }
}
