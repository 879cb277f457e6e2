import type { FastifyReply, FastifyRequest } from 'fastify'
import { kSession } from '../symbols.js'
import { since, type RequestRecord, type RequestSummary } from './collector.js'
import { repeatedQueries } from './commands.js'
import type { RequestHistory } from './history.js'
import { maskedHeaders } from './mask.js'
import type { ProcessState } from './process-state.js'

/** What the toolbar's pages are given besides the record: built once at boot, or read live. */
export interface PanelSources {
  /** The settings with secrets masked, as indented JSON (computed once: settings are frozen). */
  settingsText: string
  history: RequestHistory
  state: ProcessState
  /** The URL prefix of the toolbar's own pages. */
  base: string
}

const ms = (n: number | null) => (n === null ? null : n.toFixed(1))

function requestKind (req: FastifyRequest): RequestSummary['kind'] {
  const h = req.headers
  if (String(h['x-requested-with']).toLowerCase() === 'xmlhttprequest' || h['hx-request'] !== undefined) return 'fetch'
  const mode = h['sec-fetch-mode']
  if (mode === 'cors' || mode === 'same-origin' || mode === 'no-cors') return 'fetch'
  return h['sec-fetch-dest'] === undefined || h['sec-fetch-dest'] === 'document' ? 'page' : 'other'
}

/** Fills `record.summary` when the response is ready (onSend): headers masked, session keys only. */
export function summarize (record: RequestRecord, req: FastifyRequest, reply: FastifyReply): void {
  const config = req.routeOptions.config as { taoRoute?: string, taoApp?: string }
  const session = req[kSession]
  const location = reply.getHeader('location')
  const type = reply.getHeader('content-type')
  record.sent = since(record)
  record.summary = {
    method: req.method,
    url: req.url,
    status: reply.statusCode,
    route: config.taoRoute ?? null,
    app: config.taoApp ?? null,
    kind: requestKind(req),
    location: typeof location === 'string' ? location : null,
    contentType: typeof type === 'string' ? type : null,
    requestHeaders: maskedHeaders(req.headers),
    responseHeaders: maskedHeaders(reply.getHeaders()),
    sessionKeys: session ? Object.keys(session.data() ?? {}).sort() : null,
  }
}

/** One bar of the timeline: a phase, a render or a command, placed on the request's span. */
interface Bar { label: string, kind: string, at: string, duration: string, x: string, width: string }

function timeline (record: RequestRecord): Bar[] {
  const total = Math.max(record.sent ?? since(record), 0.001)
  const bar = (label: string, kind: string, at: number, duration: number): Bar => ({
    label, kind, at: at.toFixed(1), duration: duration.toFixed(1), x: (at / total * 100).toFixed(2), width: Math.max(duration / total * 100, 0.5).toFixed(2),
  })
  const bars: Bar[] = []
  const handlerStart = record.handlerStart ?? total
  bars.push(bar('hooks before the handler (session, forms …)', 'phase', 0, handlerStart))
  if (record.handlerStart !== null) bars.push(bar('handler, until the response was sent', 'phase', record.handlerStart, (record.handlerEnd ?? total) - record.handlerStart))
  for (const r of record.renders) bars.push(bar(`render ${r.name}`, 'render', r.at, r.duration ?? total - r.at))
  for (const c of record.commands) bars.push(bar(`${c.name} ${c.collection ?? ''}`.trim(), 'db', c.at, c.duration ?? total - c.at))
  return bars.sort((a, b) => Number(a.at) - Number(b.at))
}

/** The context of tao:toolbar.html and tao:toolbar-request.html for `record`. */
export function panelContext (record: RequestRecord, sources: PanelSources): Record<string, unknown> {
  const s = record.summary
  const snapshot = sources.state.snapshot()
  const repeated = repeatedQueries(record.commands)
  const dup = new Map<number, number>()
  for (const q of repeated) for (const i of q.indexes) dup.set(i, q.count)
  return {
    id: record.id,
    base: sources.base,
    summary: s,
    ms: ms(record.sent ?? since(record)),
    templates: record.templates,
    renders: record.renders.map((r) => ({ ...r, duration: ms(r.duration) })),
    commands: record.commands.map((c) => ({
      ...c, at: ms(c.at), duration: ms(c.duration), repeated: dup.get(c.index) ?? 0, explainable: record.explainable.has(c.index),
    })),
    repeated,
    logs: record.logs.map((l) => ({ ...l, at: ms(l.at) })),
    timeline: timeline(record),
    dropped: record.dropped,
    requestHeaders: Object.entries(s?.requestHeaders ?? {}),
    responseHeaders: Object.entries(s?.responseHeaders ?? {}),
    settingsText: sources.settingsText,
    history: sources.history.list().map((r) => ({
      id: r.id, time: r.startedAt.toISOString().slice(11, 23), current: r.id === record.id, ...r.summary, ms: ms(r.sent),
    })),
    ...snapshot,
    sockets: snapshot.sockets.map((k) => ({ ...k, since: k.since.toISOString().slice(0, 19).replace('T', ' ') })),
  }
}
