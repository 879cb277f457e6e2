import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ServiceStatus } from '../services/runner.js'
import type { Settings } from '../settings/index.js'
import { kChannels, kDatabase, kDebugRecord, kTemplates } from '../symbols.js'
import { buildAddressMatcher } from './addresses.js'
import { currentRecord, newRecord, recordTemplate, since, watchRenders, type RequestRecord } from './collector.js'
import { recordCommand } from './commands.js'
import { RequestHistory } from './history.js'
import { injectBeforeBodyEnd, pageText } from './inject.js'
import { maskedHeaders, maskedSettings } from './mask.js'
import { panelContext, summarize, type PanelSources } from './panels.js'
import { ProcessState } from './process-state.js'
import { registerToolbarRoutes, TOOLBAR_BASE } from './routes.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** What the debug toolbar gathered for this request (debug, allowed addresses only). */
    [kDebugRecord]: RequestRecord | null
  }
}

/** Options of {@link debugPlugin}. */
export interface DebugPluginOptions {
  settings: Settings
  /** The states of the app's services, for the Services panel. */
  services?: () => ServiceStatus[]
}

/** The template of the toolbar (a project may override it with templates/tao/toolbar.html). */
export const TOOLBAR_TEMPLATE = 'tao:toolbar.html'

const isToolbarRoute = (req: FastifyRequest) => req.routeOptions.config.taoToolbar === true

/**
 * The debug toolbar, registered in the pages context only when settings.debug and
 * settings.debugToolbar are on (see {@link debugToolbarEnabled}): nothing of it exists in
 * production. For clients whose address is in settings.debugToolbarAddresses, each request
 * gets a record (onRequest); its handler runs inside an AsyncLocalStorage context holding it
 * (preHandler), so the templates the engine renders, the commands the driver monitors and the
 * lines the logger writes are attributed to it; onSend keeps it in the history and renders
 * `tao:toolbar.html` before the last `</body>` of HTML pages (see {@link pageText}).
 */
async function debug (fastify: FastifyInstance, opts: DebugPluginOptions): Promise<void> {
  const { settings } = opts
  const engine = fastify[kTemplates]
  const allowed = buildAddressMatcher(settings.debugToolbarAddresses)
  const history = new RequestHistory()
  const state = new ProcessState(() => fastify[kChannels], opts.services ?? (() => []))
  const { root: _root, file: _file, ...shown } = settings
  const sources: PanelSources = { settingsText: JSON.stringify(maskedSettings(shown), null, 2), history, state, base: TOOLBAR_BASE }
  engine.onLoad = recordTemplate
  watchRenders(engine)
  fastify[kDatabase].onCommand(recordCommand)
  fastify.decorateRequest(kDebugRecord, null)
  fastify.addHook('onRoute', (route) => state.watchRoute(route))

  fastify.addHook('onRequest', function debugStart (req, reply, done) {
    // The peer of the connection itself: X-Forwarded-For is written by the client.
    if (!allowed(req.raw.socket.remoteAddress)) {
      if (isToolbarRoute(req)) return reply.callNotFound()
      return done()
    }
    if (!isToolbarRoute(req)) req[kDebugRecord] = newRecord(history.nextId())
    done()
  })
  // The handler (and what it awaits) runs inside the request's record; so does reply.send.
  fastify.addHook('preHandler', function debugContext (req, _reply, done) {
    const record = req[kDebugRecord]
    if (record === null) return done()
    record.handlerStart = since(record)
    currentRecord.run(record, done)
  })
  fastify.addHook('onSend', function debugToolbar (req, reply, payload, done) {
    const record = req[kDebugRecord]
    if (record === null) return done(null, payload)
    if (record.summary === null) {
      record.handlerEnd ??= since(record)
      summarize(record, req, reply)
      history.add(record)
    }
    const page = pageText(req, reply, payload)
    if (page === null) return done(null, payload)
    let out: string | null
    try {
      // Rendered outside the request's record: the toolbar's own template is not listed.
      const toolbar = currentRecord.exit(() => engine.render(TOOLBAR_TEMPLATE, panelContext(record, sources), req, reply))
      out = injectBeforeBodyEnd(page, toolbar)
    } catch (err) {
      req.log.warn({ err }, `debug toolbar: ${TOOLBAR_TEMPLATE} could not be rendered; the page is sent without it`)
      return done(null, payload)
    }
    if (out === null) return done(null, payload)
    if (reply.hasHeader('content-length')) reply.header('content-length', Buffer.byteLength(out))
    done(null, out)
  })
  // Headers set after the toolbar's onSend (the session cookie) are in the history's page.
  fastify.addHook('onResponse', function debugEnd (req, reply, done) {
    const summary = req[kDebugRecord]?.summary
    if (summary) summary.responseHeaders = maskedHeaders(reply.getHeaders())
    done()
  })
  registerToolbarRoutes(fastify, sources)
}

export const debugPlugin = fp(debug, { name: 'tao:debug', fastify: '5.x', dependencies: ['tao:templates', 'tao:db', 'tao:channels'] })
