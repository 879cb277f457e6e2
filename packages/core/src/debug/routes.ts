import type { FastifyInstance } from 'fastify'
import { BSON } from 'mongodb'
import { taoError } from '../errors/index.js'
import { kDatabase, kTemplates } from '../symbols.js'
import { currentRecord } from './collector.js'
import { panelContext, type PanelSources } from './panels.js'

/** Where the toolbar's own pages live. */
export const TOOLBAR_BASE = '/-/toolbar'

/** The page showing one request of the history (a project may override templates/tao/toolbar-request.html). */
export const REQUEST_TEMPLATE = 'tao:toolbar-request.html'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page of the debug toolbar itself: not recorded, and refused to other addresses. */
    taoToolbar?: boolean
  }
}

/** Route config of the toolbar's own pages. */
export const TOOLBAR_ROUTE = { taoToolbar: true }

/** A positive integer from a URL segment, or null. */
function idOf (value: string): number | null {
  return /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null
}

/**
 * The toolbar's pages, registered with the toolbar (debug only) and guarded by its address
 * check: one request of the history with all its panels, and `explain` of one command a
 * recorded request ran. Explain never takes a command from the URL: it names a request and the
 * index of one of its commands, and the recorded command itself is sent, with verbosity
 * queryPlanner (the plan only; nothing is executed).
 */
export function registerToolbarRoutes (fastify: FastifyInstance, sources: PanelSources): void {
  const { history } = sources
  const engine = fastify[kTemplates]

  fastify.get<{ Params: { id: string } }>(`${TOOLBAR_BASE}/requests/:id`, { config: TOOLBAR_ROUTE }, async (req, reply) => {
    const record = history.get(idOf(req.params.id) ?? 0)
    if (record === undefined) throw taoError('TAO_ERR_DEBUG_REQUEST_GONE', [req.params.id])
    const html = currentRecord.exit(() => engine.render(REQUEST_TEMPLATE, panelContext(record, sources), req, reply))
    return await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  })

  fastify.get<{ Params: { id: string, n: string } }>(`${TOOLBAR_BASE}/requests/:id/commands/:n/explain`, { config: TOOLBAR_ROUTE }, async (req, reply) => {
    const record = history.get(idOf(req.params.id) ?? 0)
    const index = /^\d{1,6}$/.test(req.params.n) ? Number(req.params.n) : -1
    const command = record?.explainable.get(index)
    const entry = record?.commands[index]
    if (command === undefined || entry === undefined) throw taoError('TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE', [req.params.id, req.params.n])
    let answer: Record<string, unknown>
    try {
      const plan = await fastify[kDatabase].client.db(entry.database).command({ explain: command, verbosity: 'queryPlanner' })
      answer = { ok: true, command: entry.name, collection: entry.collection, plan }
    } catch (err) {
      // The database's own refusal is the answer (the embedded store has no query planner).
      const error = err instanceof Error ? err.message : String(err)
      answer = { ok: false, command: entry.name, collection: entry.collection, error }
      if (/no such command/.test(error)) answer.hint = 'This database has no query planner (the embedded store): with MongoDB, explain shows the plan.'
    }
    return await reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(BSON.EJSON.stringify(answer, undefined, 2, { relaxed: true }))
  })
}
