import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../../errors/index.js'
import { actor, recordActions } from '../audit.js'
import { decodeDocId, encodeDocId } from '../doc-id.js'
import type { ResolvedAdmin } from '../model-admin.js'
import { assertCan } from '../permissions.js'
import type { AdminAction } from '../types.js'
import { adminOf, documentOf, renderAdmin } from './common.js'

/** Most rows one bulk action takes (a page holds at most 500). */
const MAX_SELECTED = 500

function selectedIds (admin: ResolvedAdmin, body: Record<string, unknown>): unknown[] {
  const raw = body._selected
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  if (list.length > MAX_SELECTED) throw taoError('TAO_ERR_ADMIN_QUERY_INVALID', ['_selected', `at most ${MAX_SELECTED} rows at once`])
  return list.map((s) => decodeDocId(String(s), admin.label.toLowerCase()))
}

async function runAction (req: FastifyRequest, reply: FastifyReply, admin: ResolvedAdmin, action: AdminAction, docs: Record<string, unknown>[]): Promise<void> {
  const message = await action.run({ req, reply, admin, docs })
  await recordActions(req.db, docs.map((d) => ({
    user: actor(req),
    action: `action:${action.name}` as const,
    model: admin.model.name,
    docId: encodeDocId(d._id),
    label: admin.display(d),
    fields: [],
    ...(typeof message === 'string' ? { message } : {}),
  })))
  req.flash('success', typeof message === 'string' && message !== '' ? message : `${action.label}: done on ${docs.length} ${docs.length === 1 ? admin.label.toLowerCase() : admin.labelPlural.toLowerCase()}.`)
}

function findAction (admin: ResolvedAdmin, name: string, scope: 'bulk' | 'row'): AdminAction {
  const action = admin.actions.get(name)
  if (action === undefined || (action.scope ?? 'both') === (scope === 'bulk' ? 'row' : 'bulk')) {
    throw taoError('TAO_ERR_ADMIN_ACTION_UNKNOWN', [name, admin.model.name])
  }
  return action
}

/**
 * A bulk action posted from the list: 'delete_selected' asks for confirmation (a page listing
 * what will be deleted) and deletes once confirmed; a custom action runs at once. Every
 * document touched is written to the audit log.
 */
export async function bulkActionView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'view')
  const body = (req.body ?? {}) as Record<string, unknown>
  const name = typeof body.action === 'string' ? body.action : ''
  const ids = selectedIds(admin, body)
  const toList = () => reply.redirectTo('admin:list', { app: admin.app, model: admin.key }, undefined, 303)
  if (ids.length === 0) {
    req.flash('warning', 'Select at least one row, then choose an action.')
    return await toList()
  }
  const coll = req.db.collection(admin.model.collectionName)
  const docs = await coll.find({ _id: { $in: ids as never[] } }).toArray() as Record<string, unknown>[]
  if (name === 'delete_selected') {
    assertCan(req, admin, 'delete')
    if (body.confirm !== 'yes') {
      return renderAdmin(req, reply, 'delete-selected', {
        title: 'Are you sure?',
        admin: { app: admin.app, key: admin.key, label: admin.label, labelPlural: admin.labelPlural },
        docs: docs.map((d) => ({ id: encodeDocId(d._id), label: admin.display(d) })),
      })
    }
    await coll.deleteMany({ _id: { $in: docs.map((d) => d._id) as never[] } })
    await recordActions(req.db, docs.map((d) => ({ user: actor(req), action: 'delete' as const, model: admin.model.name, docId: encodeDocId(d._id), label: admin.display(d), fields: [] })))
    req.flash('success', `Deleted ${docs.length} ${docs.length === 1 ? admin.label.toLowerCase() : admin.labelPlural.toLowerCase()}.`)
    return await toList()
  }
  const action = findAction(admin, name, 'bulk')
  assertCan(req, admin, action.permission ?? 'change')
  await runAction(req, reply, admin, action, docs)
  return reply.sent ? reply : await toList()
}

/** A custom action run from one document's page. */
export async function rowActionView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'view')
  const body = (req.body ?? {}) as Record<string, unknown>
  const action = findAction(admin, typeof body.action === 'string' ? body.action : '', 'row')
  assertCan(req, admin, action.permission ?? 'change')
  const doc = await documentOf(req, admin)
  await runAction(req, reply, admin, action, [doc])
  return reply.sent ? reply : await reply.redirectTo('admin:change', { app: admin.app, model: admin.key, id: encodeDocId(doc._id) }, undefined, 303)
}
