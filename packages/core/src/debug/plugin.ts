import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Settings } from '../settings/index.js'
import { kDatabase, kDebugRecord, kSession, kTemplates } from '../symbols.js'
import { currentRecord, newRecord, recordCommand, recordTemplate, type RequestRecord } from './collector.js'
import { injectBeforeBodyEnd, pageText } from './inject.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** What the debug toolbar gathered for this request (debug only). */
    [kDebugRecord]: RequestRecord | null
  }
}

/** Options of {@link debugPlugin}. */
export interface DebugPluginOptions {
  settings: Settings
}

/** The template of the toolbar (a project may override it with templates/tao/toolbar.html). */
export const TOOLBAR_TEMPLATE = 'tao:toolbar.html'

/** What `tao:toolbar.html` is rendered with. */
function toolbarContext (req: FastifyRequest, reply: FastifyReply, record: RequestRecord, templates: string[]): Record<string, unknown> {
  const config = req.routeOptions.config as { taoRoute?: string, taoApp?: string }
  const session = req[kSession]
  return {
    method: req.method,
    path: req.url,
    status: reply.statusCode,
    route: config.taoRoute ?? null,
    app: config.taoApp ?? null,
    ms: (performance.now() - record.start).toFixed(1),
    templates,
    commands: record.commands.map((c) => ({ ...c, duration: c.duration === null ? null : c.duration.toFixed(1) })),
    dropped: record.dropped,
    sessionKeys: session ? Object.keys(session.data() ?? {}).sort() : null,
  }
}

/**
 * The debug toolbar, registered in the pages context only when settings.debug and
 * settings.debugToolbar are on (see {@link debugToolbarEnabled}): nothing of it exists in
 * production. Per request it records the start time (onRequest), runs the handler inside an
 * AsyncLocalStorage context (preHandler) so the templates the engine loads and the database
 * commands the driver monitors are attributed to it, and in onSend renders `tao:toolbar.html`
 * before the last `</body>` of HTML pages (see {@link pageText} for what is left alone).
 */
async function debug (fastify: FastifyInstance, _opts: DebugPluginOptions): Promise<void> {
  const engine = fastify[kTemplates]
  engine.onLoad = recordTemplate
  fastify[kDatabase].onCommand(recordCommand)
  fastify.decorateRequest(kDebugRecord, null)

  fastify.addHook('onRequest', function debugStart (req, _reply, done) {
    req[kDebugRecord] = newRecord()
    done()
  })
  // The handler (and what it awaits) runs inside the request's record; so does reply.send.
  fastify.addHook('preHandler', function debugContext (req, _reply, done) {
    currentRecord.run(req[kDebugRecord]!, done)
  })
  fastify.addHook('onSend', function debugToolbar (req, reply, payload, done) {
    const record = req[kDebugRecord]
    const page = record === null ? null : pageText(req, reply, payload)
    if (record === null || page === null) return done(null, payload)
    let out: string | null
    try {
      const templates = [...record.templates]
      // Rendered outside the request's record: the toolbar's own template is not listed.
      const toolbar = currentRecord.exit(() => engine.render(TOOLBAR_TEMPLATE, toolbarContext(req, reply, record, templates), req, reply))
      out = injectBeforeBodyEnd(page, toolbar)
    } catch (err) {
      req.log.warn({ err }, `debug toolbar: ${TOOLBAR_TEMPLATE} could not be rendered; the page is sent without it`)
      return done(null, payload)
    }
    if (out === null) return done(null, payload)
    if (reply.hasHeader('content-length')) reply.header('content-length', Buffer.byteLength(out))
    done(null, out)
  })
}

export const debugPlugin = fp(debug, { name: 'tao:debug', fastify: '5.x', dependencies: ['tao:templates', 'tao:db'] })
