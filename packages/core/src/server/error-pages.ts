import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isTaoError, taoError } from '../errors/index.js'
import type { AppRegistry } from '../apps/index.js'
import { kErrorPages } from '../symbols.js'
import { escapeHtml, prefersJson } from './negotiate.js'
import { lingerOnClose } from './linger.js'
import { renderDevErrorPage } from './dev-error-page.js'
import type { Settings } from '../settings/index.js'

/** What an error page is given to show. */
export interface ErrorPageContext {
  status: number
  title: string
  message: string
  code: string | undefined
  /** Only in debug: stack, tried paths, routes. */
  debug: { stack?: string | undefined, tried?: readonly string[] | undefined, routes?: string[] | undefined } | undefined
}

/** Renders an error page from project templates; returns null to fall back to the built-in page. */
export type ErrorPageRenderer = (req: FastifyRequest, ctx: ErrorPageContext, reply: FastifyReply) => Promise<string | null> | string | null

/**
 * Turns an error from a library into the TaoError users should see (e.g. a database outage
 * into a 503); returns null to leave it alone.
 */
export type ErrorTranslator = (err: Error, route: string) => Error | null

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Slots filled at boot: `render` by the templates concern so `404.html`, `500.html` … are
     * used; `translators` by concerns whose libraries throw their own errors (database).
     */
    [kErrorPages]: { render: ErrorPageRenderer | null, translators: ErrorTranslator[] }
  }
}

function builtinPage (ctx: ErrorPageContext): string {
  const d = ctx.debug
  const parts = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${ctx.status} ${escapeHtml(ctx.title)}</title>`,
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:3rem auto;padding:0 1rem;color:#222}pre{background:#f5f5f5;padding:1rem;overflow:auto}code{color:#a33}</style>',
    `</head><body><h1>${ctx.status} ${escapeHtml(ctx.title)}</h1><p>${escapeHtml(ctx.message)}</p>`,
  ]
  if (ctx.code) parts.push(`<p>Error code: <code>${escapeHtml(ctx.code)}</code></p>`)
  if (d?.tried?.length) parts.push(`<h2>Tried</h2><ul>${d.tried.map((t) => `<li><code>${escapeHtml(t)}</code></li>`).join('')}</ul>`)
  if (d?.routes) parts.push(`<h2>Routes</h2><ul>${d.routes.map((t) => `<li><code>${escapeHtml(t)}</code></li>`).join('')}</ul>`)
  if (d?.stack) parts.push(`<h2>Traceback</h2><pre>${escapeHtml(d.stack)}</pre>`)
  if (d) parts.push('<p><small>You see this page because debug is on. Turn it off in production.</small></p>')
  parts.push('</body></html>')
  return parts.join('')
}

/**
 * Removes the headers a handler set that Node would refuse to write (CR, LF, NUL, a character
 * above U+00FF, a bad name) and returns the first one's name, or null. Without this, the error
 * page would fail on the same header and Fastify would answer with Node's own error text.
 */
function dropInvalidHeaders (reply: FastifyReply): string | null {
  let bad: string | null = null
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    try {
      validateHeaderName(name)
      for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v as string)
    } catch {
      reply.removeHeader(name)
      bad ??= name
    }
  }
  return bad
}

interface ErrorsOptions {
  debug: boolean
  registry: AppRegistry
  /** Under debug, the settings the debug error page shows (masked). */
  settings?: Settings
  /** Answers GET / while no route does (server/welcome.ts); null when the project has its own /. */
  welcome?: ((req: FastifyRequest, reply: FastifyReply) => Promise<boolean>) | null
}

/**
 * Error and not-found handling: HTML or JSON by Accept, project error templates when present,
 * no stack traces unless debug is on. Client errors keep their message; server errors show a
 * generic one (the cause is logged).
 */
async function errorPages (fastify: FastifyInstance, opts: ErrorsOptions): Promise<void> {
  fastify.decorate(kErrorPages, { render: null, translators: [] })
  const routeList = opts.debug
    ? opts.registry.routes.map((r) => `${r.kind === 'ws' ? 'WS' : r.methods.join(',')} ${r.path}  [${r.name}]`)
    : undefined

  async function send (req: FastifyRequest, reply: FastifyReply, status: number, err: Error | undefined, fallbackMessage: string): Promise<void> {
    const title = STATUS_CODES[status] ?? 'Error'
    const exposed = status < 500 || opts.debug
    const message = exposed
      ? (err?.message ?? fallbackMessage)
      : status === 503 ? 'The service is temporarily unavailable. Please try again shortly.' : 'Something went wrong on our side. It has been logged.'
    const errCode = (err as { code?: unknown } | undefined)?.code
    const code = typeof errCode === 'string' && (isTaoError(err) || errCode.startsWith('FST_')) ? errCode : undefined
    reply.code(status)
    // Answered before the body was read (a 413 on Content-Length, a cut upload): close the
    // connection after the answer, or Node would read the rest to keep it alive; a lingering
    // close, so that the client still writing reads the answer instead of a reset.
    if (req.raw.complete === false) {
      reply.header('connection', 'close')
      lingerOnClose(req.raw)
    }
    // A 503 that knows when to come back (a database outage) says so, as does a 429 (a rate limit).
    const retryAfter = isTaoError(err) ? err.details.retryAfter : undefined
    if ((status === 503 || status === 429) && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
    if (prefersJson(req)) {
      await reply.type('application/json; charset=utf-8').send({ statusCode: status, error: title, message, ...(code && exposed ? { code } : {}) })
      return
    }
    const ctx: ErrorPageContext = {
      status,
      title,
      message,
      code: exposed ? code : undefined,
      debug: opts.debug
        ? { stack: status >= 500 ? err?.stack : undefined, tried: isTaoError(err) ? err.details.tried : undefined, routes: status === 404 ? routeList : undefined }
        : undefined,
    }
    let html: string | null = null
    // Under debug, a server error gets the debug page (code, request, settings), as Django's
    // technical 500 page; never with debug off.
    if (opts.debug && opts.settings && status >= 500 && err) {
      try {
        await reply.type('text/html; charset=utf-8').send(await renderDevErrorPage(err, req, reply, opts.settings))
        return
      } catch (pageErr) {
        req.log.error({ err: pageErr }, 'the debug error page failed; the built-in page was used')
      }
    }
    const render = fastify[kErrorPages].render
    if (render) {
      try {
        html = await render(req, ctx, reply)
      } catch (renderErr) {
        req.log.error({ err: renderErr }, `the ${status} error template failed; the built-in page was used`)
      }
    }
    await reply.type('text/html; charset=utf-8').send(html ?? builtinPage(ctx))
  }

  const welcome = opts.welcome ?? null
  fastify.setNotFoundHandler(async (req, reply) => {
    if (welcome && await welcome(req, reply)) return
    await send(req, reply, 404, undefined, `No page at ${req.method} ${req.url}.`)
  })

  fastify.setErrorHandler(async (thrown: Error & { statusCode?: number, validation?: unknown }, req, reply) => {
    let err = thrown
    const route = `${req.method} ${req.routeOptions.url ?? req.url.split('?', 1)[0]}`
    const badHeader = dropInvalidHeaders(reply)
    if (badHeader !== null && !isTaoError(thrown)) err = taoError('TAO_ERR_REPLY_HEADER_INVALID', [route, badHeader], { header: badHeader }, { cause: thrown })
    for (const translate of fastify[kErrorPages].translators) {
      const translated = translate(err, route)
      if (translated) { err = translated; break }
    }
    let status = err.statusCode ?? 500
    if (status < 400 || status > 599) status = 500
    if (status >= 500) req.log.error({ err, route }, err.message)
    else req.log.info({ err: { message: err.message, code: (err as { code?: string }).code } }, 'client error')
    await send(req, reply, status, err, err.message)
  })
}

export const errorPagesPlugin = fp(errorPages, { name: 'tao:errors', fastify: '5.x' })
