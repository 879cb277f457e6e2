// The add/change form as template data: one entry per field with its input type, current
// text, choices and error. Values come from a document (first display) or from the posted
// body (after an error, so nothing typed is lost).
import type { FastifyRequest } from 'fastify'
import { encodeDocId } from './doc-id.js'
import { inputText, valueAt } from './form-values.js'
import type { ResolvedAdmin } from './model-admin.js'
import { can } from './permissions.js'
import type { FieldSpec } from './schema-fields.js'
import type { AdminSite } from './site.js'
import { displayValue } from './views/common.js'

/** Where the form's values come from. */
export type FormSource = { doc: Record<string, unknown> } | { body: Record<string, unknown> }

/** References with at most this many candidates are a select; more get an id input and a lookup link. */
const SELECT_LIMIT = 100

const INPUT_TYPES: Partial<Record<FieldSpec['kind'], string>> = {
  text: 'text', number: 'number', integer: 'number', decimal: 'text', datetime: 'datetime-local', objectid: 'text', reference: 'text',
}

function rawList (body: Record<string, unknown>, path: string): string[] {
  const v = Object.hasOwn(body, path) ? body[path] : undefined
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]
}

type Options = Map<string, { value: string, label: string }[] | null>

/** Loads the select options of reference fields (once per form render, in parallel). */
export async function referenceOptions (req: FastifyRequest, site: AdminSite, fields: readonly FieldSpec[]): Promise<Options> {
  const refs = fields.flatMap((f) => (f.kind === 'reference' ? [f] : f.kind === 'list' && f.item?.kind === 'reference' ? [f.item] : []))
  const out: Options = new Map()
  await Promise.all(refs.map(async (f) => {
    const target = site.models.get(f.ref!)
    if (target === undefined) return out.set(f.path, null)
    const docs = await req.db.collection(target.model.collectionName).find({}).limit(SELECT_LIMIT + 1).toArray() as Record<string, unknown>[]
    out.set(f.path, docs.length > SELECT_LIMIT ? null : docs.map((d) => ({ value: String(d._id), label: target.display(d) })))
  }))
  return out
}

/** The lookup link of a reference field: the referenced model's list, when the user may view it. */
function lookup (req: FastifyRequest, site: AdminSite, spec: FieldSpec): { app: string, model: string } | null {
  const target = spec.ref === undefined ? undefined : site.models.get(spec.ref)
  return target !== undefined && can(req, target, 'view') ? { app: target.app, model: target.key } : null
}

/** One field of the form as template data. */
export function fieldView (req: FastifyRequest, site: AdminSite, admin: ResolvedAdmin, spec: FieldSpec, source: FormSource, errors: Record<string, string>, options: Options, viewOnly = false, adding = false): Record<string, unknown> {
  // Read-only fields are set once, in the add form.
  const readonly = viewOnly || (!adding && admin.readonly.has(spec.path))
  const base: Record<string, unknown> = {
    path: spec.path,
    id: `field-${spec.path.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    label: spec.label,
    kind: spec.kind,
    required: spec.required,
    help: spec.help ?? null,
    error: errors[spec.path] ?? null,
    readonly,
    inputType: INPUT_TYPES[spec.kind] ?? 'text',
    step: spec.kind === 'number' ? 'any' : spec.kind === 'integer' ? '1' : null,
    min: spec.min ?? null,
    max: spec.max ?? null,
    maxLength: spec.maxLength ?? null,
  }
  if (readonly) {
    const value = 'doc' in source ? valueAt(source.doc, spec.path) : undefined
    return { ...base, display: displayValue(spec, value) }
  }
  if (spec.kind === 'object') {
    return { ...base, fields: (spec.fields ?? []).map((f) => fieldView(req, site, admin, f, source, errors, options, viewOnly, adding)) }
  }
  if (spec.kind === 'list') {
    const item = spec.item!
    const values = 'doc' in source
      ? ((valueAt(source.doc, spec.path) ?? []) as unknown[]).map((v) => inputText(item, v))
      : rawList(source.body, spec.path).filter((v) => v.trim() !== '')
    return { ...base, itemType: INPUT_TYPES[item.kind] ?? 'text', itemKind: item.kind, choices: item.choices ?? null, values: [...values, ''] }
  }
  const text = 'doc' in source ? inputText(spec, valueAt(source.doc, spec.path)) : rawList(source.body, spec.path).at(-1) ?? ''
  const view: Record<string, unknown> = { ...base, value: text, checked: spec.kind === 'boolean' && ('doc' in source ? valueAt(source.doc, spec.path) === true : text !== '') }
  if (spec.kind === 'enum') view.choices = (spec.choices ?? []).map((c) => ({ value: c, label: c, selected: c === text }))
  if (spec.kind === 'reference') {
    const opts = options.get(spec.path)
    view.options = opts === null || opts === undefined ? null : opts.map((o) => ({ ...o, selected: o.value === text }))
    view.lookup = lookup(req, site, spec)
  }
  return view
}

/** The link to a document's change page, as template data. */
export function docLink (admin: ResolvedAdmin, doc: Record<string, unknown>): { app: string, model: string, id: string } {
  return { app: admin.app, model: admin.key, id: encodeDocId(doc._id) }
}
