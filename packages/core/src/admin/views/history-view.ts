import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../../errors/index.js'
import { historyOf } from '../audit.js'
import { decodeDocId, encodeDocId } from '../doc-id.js'
import { assertCan, permsFor } from '../permissions.js'
import { adminOf, renderAdmin, siteOf } from './common.js'
import { entryView } from './log-view.js'

/**
 * The audit log of one document, newest first. It stays readable after the document is
 * deleted (the log keeps the label it had).
 */
export async function historyView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'view')
  const segment = (req.params as { id: string }).id
  const id = encodeDocId(decodeDocId(segment, admin.label.toLowerCase()))
  const entries = await historyOf(req.db, admin.model.name, id)
  const doc = await req.db.collection(admin.model.collectionName).findOne({ _id: decodeDocId(segment, 'document') as never })
  if (doc === null && entries.length === 0) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', [admin.label.toLowerCase(), segment])
  return renderAdmin(req, reply, 'history', {
    title: `History: ${doc === null ? entries[0]!.label : admin.display(doc as Record<string, unknown>)}`,
    admin: { app: admin.app, key: admin.key, label: admin.label, labelPlural: admin.labelPlural },
    perms: permsFor(req, admin),
    doc: { app: admin.app, model: admin.key, id, exists: doc !== null },
    recent: entries.map((e) => entryView(siteOf(req), reply, e)),
  })
}
