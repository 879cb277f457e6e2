import type { FastifyReply } from 'fastify'
import type { AuditEntry } from '../audit.js'
import type { AdminSite } from '../site.js'
import { urlFor } from './common.js'

const VERBS: Record<string, string> = { add: 'Added', change: 'Changed', delete: 'Deleted' }
const pad = (n: number) => String(n).padStart(2, '0')

/** An audit log entry as template data: what, who, when, and a link while the document exists. */
export function entryView (site: AdminSite, reply: FastifyReply, e: AuditEntry): Record<string, unknown> {
  const at = e.at
  const kind = e.action.startsWith('action:') ? 'action' : e.action
  let link: string | null = null
  let modelLabel = e.model
  const url = (name: string, params: Record<string, string>) => urlFor(reply, name, params)
  if (e.model.startsWith('raw:')) {
    modelLabel = `collection ${e.model.slice(4)}`
    if (e.action !== 'delete') link = url('admin:raw_document', { collection: e.model.slice(4), id: e.docId })
  } else {
    const m = site.models.get(e.model)
    if (m !== undefined) {
      modelLabel = m.label
      if (e.action !== 'delete') link = url('admin:change', { app: m.app, model: m.key, id: e.docId })
    }
  }
  return {
    kind,
    verb: VERBS[e.action] ?? `Ran “${e.action.slice(7)}” on`,
    label: e.label,
    link,
    modelLabel,
    fields: e.fields,
    message: e.message ?? null,
    username: e.user.username || 'someone',
    iso: at.toISOString(),
    when: `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`,
  }
}
