import type { FastifyReply, FastifyRequest } from 'fastify'
import { isTaoError } from '../../errors/index.js'
import { actor, changedFields, recordActions } from '../audit.js'
import { encodeDocId } from '../doc-id.js'
import { errorPath, readForm } from '../form-values.js'
import { docLink, fieldView, referenceOptions, type FormSource } from '../form-view-model.js'
import type { ResolvedAdmin } from '../model-admin.js'
import { assertCan, can, permsFor } from '../permissions.js'
import { adminOf, documentOf, renderAdmin, siteOf } from './common.js'

/** Model errors a form shows beside its fields: validation and unique-index violations. */
const FIELD_ERRORS = new Set(['TAO_ERR_MODEL_INVALID', 'TAO_ERR_MODEL_DUPLICATE'])

async function renderForm (req: FastifyRequest, reply: FastifyReply, admin: ResolvedAdmin, source: FormSource, errors: Record<string, string>, doc: Record<string, unknown> | null): Promise<FastifyReply> {
  const site = siteOf(req)
  const options = await referenceOptions(req, site, admin.formFields)
  const viewOnly = doc !== null && !can(req, admin, 'change')
  const fields = admin.formFields.map((f) => fieldView(req, site, admin, f, source, errors, options, viewOnly, doc === null))
  const known = new Set(admin.formFields.map((f) => f.path))
  // Errors about fields the form does not show still reach the user, above the form.
  const other = Object.entries(errors).filter(([p]) => !known.has(p) && !known.has(p.split('.')[0]!)).map(([p, m]) => `${p}: ${m}`)
  return renderAdmin(req, reply, 'form', {
    title: doc === null ? `Add ${admin.label.toLowerCase()}` : `Change ${admin.label.toLowerCase()}`,
    admin: { app: admin.app, key: admin.key, label: admin.label, labelPlural: admin.labelPlural },
    perms: permsFor(req, admin),
    doc: doc === null ? null : { ...docLink(admin, doc), label: admin.display(doc) },
    fields,
    viewOnly,
    hasErrors: Object.keys(errors).length > 0,
    otherErrors: other,
    rowActions: doc === null ? [] : [...admin.actions.values()].filter((a) => a.scope !== 'bulk' && can(req, admin, a.permission ?? 'change')).map((a) => ({ name: a.name, label: a.label })),
  })
}

/** Reads the posted form into `base` (a copy of the stored document, or {}): errors by field. */
function applyForm (admin: ResolvedAdmin, body: Record<string, unknown>, base: Record<string, unknown> | null): { doc: Record<string, unknown>, errors: Record<string, string> } {
  // Read-only fields are set once, when the document is added.
  const editable = base === null ? admin.formFields : admin.formFields.filter((f) => !admin.readonly.has(f.path))
  const { values, errors } = readForm(editable, body)
  const doc = { ...base }
  for (const f of editable) {
    if (errors[f.path] !== undefined) continue
    if (values[f.path] === undefined) delete doc[f.path]
    else doc[f.path] = values[f.path]
  }
  // The model's own checks run too, so every problem shows at once.
  const check = admin.model.validate(doc)
  if (!check.ok) for (const [p, m] of Object.entries(check.errors)) errors[errorPath(p)] ??= m
  return { doc, errors }
}

async function save (req: FastifyRequest, write: () => Promise<unknown>): Promise<Record<string, string> | null> {
  try {
    await write()
    return null
  } catch (err) {
    if (!isTaoError(err) || !FIELD_ERRORS.has(err.code)) throw err
    const fields = (err.details.fields ?? {}) as Record<string, string>
    const out: Record<string, string> = {}
    for (const [p, m] of Object.entries(fields)) out[errorPath(p)] = m
    if (Object.keys(out).length === 0) out._form = err.message
    req.log.debug({ err }, 'admin: the model refused a form')
    return out
  }
}

async function afterSave (req: FastifyRequest, reply: FastifyReply, admin: ResolvedAdmin, id: string): Promise<FastifyReply> {
  const body = req.body as Record<string, unknown>
  const params = { app: admin.app, model: admin.key }
  if (body._continue !== undefined) return await reply.redirectTo('admin:change', { ...params, id }, undefined, 303)
  if (body._addanother !== undefined) return await reply.redirectTo('admin:add', params, undefined, 303)
  return await reply.redirectTo('admin:list', params, undefined, 303)
}

/** GET: an empty add form. POST: validate, insert, log, redirect (or the form again with errors beside the fields). */
export async function addView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, 'add')
  if (req.method === 'GET') return await renderForm(req, reply, admin, { doc: {} }, {}, null)
  const body = (req.body ?? {}) as Record<string, unknown>
  const { doc, errors } = applyForm(admin, body, null)
  const refused = Object.keys(errors).length > 0
    ? errors
    : await save(req, async () => { doc._id = (await admin.model.of(req).insertOne(doc)).insertedId })
  if (refused !== null) return await renderForm(req, reply, admin, { body }, refused, null)
  const id = encodeDocId(doc._id)
  await recordActions(req.db, [{ user: actor(req), action: 'add', model: admin.model.name, docId: id, label: admin.display(doc), fields: Object.keys(doc).filter((k) => k !== '_id').sort() }])
  req.flash('success', `The ${admin.label.toLowerCase()} “${admin.display(doc)}” was added.`)
  return await afterSave(req, reply, admin, id)
}

/** GET: the change form of a document. POST: validate, replace, log the changed fields, redirect. */
export async function changeView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const admin = adminOf(req)
  assertCan(req, admin, req.method === 'GET' && !can(req, admin, 'change') ? 'view' : 'change')
  const stored = await documentOf(req, admin)
  if (req.method === 'GET') return await renderForm(req, reply, admin, { doc: stored }, {}, stored)
  const body = (req.body ?? {}) as Record<string, unknown>
  const { doc, errors } = applyForm(admin, body, stored)
  const refused = Object.keys(errors).length > 0
    ? errors
    : await save(req, () => admin.model.of(req).replaceOne({ _id: stored._id as never }, doc))
  if (refused !== null) return await renderForm(req, reply, admin, { body }, refused, stored)
  const fields = changedFields(stored, doc)
  const id = encodeDocId(stored._id)
  if (fields.length > 0) await recordActions(req.db, [{ user: actor(req), action: 'change', model: admin.model.name, docId: id, label: admin.display(doc), fields }])
  req.flash('success', fields.length > 0 ? `The ${admin.label.toLowerCase()} “${admin.display(doc)}” was changed.` : 'No fields changed.')
  return await afterSave(req, reply, admin, id)
}
