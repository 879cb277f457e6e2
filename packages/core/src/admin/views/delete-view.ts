import type { FastifyReply, FastifyRequest } from 'fastify'
import { actor, recordActions } from '../audit.js'
import { encodeDocId } from '../doc-id.js'
import { assertCan, permsFor } from '../permissions.js'
import type { ResolvedAdmin } from '../model-admin.js'
import { adminOf, documentOf, renderAdmin, siteOf } from './common.js'

/**
 * Other registered models holding references to a document: what deleting it leaves dangling,
 * shown on the confirmation page (counts, and the first few documents).
 */
async function referencing (req: FastifyRequest, admin: ResolvedAdmin, id: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  for (const other of siteOf(req).models.values()) {
    const paths = other.fields.flatMap((f) => (f.ref === admin.model.name ? [f.path] : f.kind === 'list' && f.item?.ref === admin.model.name ? [f.path] : []))
    if (paths.length === 0) continue
    const filter = paths.length === 1 ? { [paths[0]!]: id } : { $or: paths.map((p) => ({ [p]: id })) }
    const coll = req.db.collection(other.model.collectionName)
    const [count, docs] = await Promise.all([coll.countDocuments(filter, { limit: 1000 }), coll.find(filter).limit(10).toArray()])
    if (count > 0) out.push({ label: other.labelPlural, count, docs: docs.map((d) => other.display(d as Record<string, unknown>)) })
  }
  return out
}

/** GET: what will be deleted, and a confirmation form. POST: delete, log, back to the list. */
export async function deleteView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'delete')
  const doc = await documentOf(req, admin)
  const id = encodeDocId(doc._id)
  if (req.method === 'GET') {
    return renderAdmin(req, reply, 'delete', {
      title: 'Are you sure?',
      admin: { app: admin.app, key: admin.key, label: admin.label, labelPlural: admin.labelPlural },
      perms: permsFor(req, admin),
      doc: { app: admin.app, model: admin.key, id, label: admin.display(doc) },
      related: await referencing(req, admin, doc._id),
    })
  }
  await req.db.collection(admin.model.collectionName).deleteOne({ _id: doc._id as never })
  await recordActions(req.db, [{ user: actor(req), action: 'delete', model: admin.model.name, docId: id, label: admin.display(doc), fields: [] }])
  req.flash('success', `The ${admin.label.toLowerCase()} “${admin.display(doc)}” was deleted.`)
  return await reply.redirectTo('admin:list', { app: admin.app, model: admin.key }, undefined, 303)
}
