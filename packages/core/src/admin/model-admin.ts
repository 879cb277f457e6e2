// One registered model, resolved at boot: its fields, columns, filters, orderings and actions,
// each checked against the schema so a typo fails when the admin starts, not on a page.
import { taoError } from '../errors/index.js'
import { humanize, isScalar, schemaFields, type FieldSpec } from './schema-fields.js'
import type { AdminAction, AdminModel, AdminPermission, ModelAdmin, ModelAdminOptions } from './types.js'

/** A filter of the list page. */
export interface FilterSpec {
  readonly field: FieldSpec
  readonly kind: 'boolean' | 'enum' | 'date' | 'reference'
}

/** A model as the admin serves it: everything the pages need, computed once. */
export interface ResolvedAdmin extends ModelAdmin {
  readonly app: string
  readonly key: string
  readonly label: string
  readonly labelPlural: string
  /** Every top-level field of the schema. */
  readonly fields: readonly FieldSpec[]
  /** Fields of the add/change form, in order (read-only ones included). */
  readonly formFields: readonly FieldSpec[]
  readonly readonly: ReadonlySet<string>
  readonly columns: readonly FieldSpec[]
  readonly search: readonly string[]
  readonly filters: readonly FilterSpec[]
  /** Fields the list may be sorted by (an index starts with them), `_id` included. */
  readonly sortable: ReadonlySet<string>
  /** Default ordering: [field, 1 | -1] pairs. */
  readonly ordering: readonly (readonly [string, 1 | -1])[]
  readonly actions: ReadonlyMap<string, AdminAction>
  readonly perms: Readonly<Record<AdminPermission, string>>
  display (doc: Record<string, unknown>): string
}

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/
const LABEL_FIELDS = ['title', 'name', 'username', 'label', 'email', 'slug']

/** 'categories' → 'category', 'boxes' → 'box', 'posts' → 'post' (override with `label`). */
function singular (key: string): string {
  if (/ies$/.test(key)) return key.replace(/ies$/, 'y')
  if (/(s|x|z|ch|sh)es$/.test(key)) return key.replace(/es$/, '')
  return key.replace(/s$/, '')
}

function defaultDisplay (doc: Record<string, unknown>): string {
  for (const f of LABEL_FIELDS) if (typeof doc[f] === 'string' && doc[f] !== '') return doc[f] as string
  return String(doc._id ?? '')
}

/**
 * Resolves a registration against its model's schema.
 * @throws TAO_ERR_ADMIN_REGISTRATION_INVALID naming the file and the unknown field, filter or action.
 */
export function resolveAdmin (reg: ModelAdmin, file: string): ResolvedAdmin {
  const model: AdminModel = reg.model
  const o: Readonly<ModelAdminOptions> = reg.options
  const bad = (reason: string) => taoError('TAO_ERR_ADMIN_REGISTRATION_INVALID', [file, `${model.name}: ${reason}`], { file })
  const fields = schemaFields(model.schema, o.references ?? {})
  const byName = new Map(fields.map((f) => [f.path, f]))
  const known = () => [...byName.keys()].join(', ')
  const pick = (names: readonly string[] | undefined, option: string): FieldSpec[] => (names ?? []).map((n) => {
    const f = byName.get(n)
    if (f === undefined) throw bad(`${option} names '${n}', which the schema does not have (fields: ${known()})`)
    return f
  })

  const editable = fields.filter((f) => f.path !== '_id')
  const formFields = o.fields === undefined ? editable : pick(o.fields, 'fields')
  const readonly = new Set(pick(o.readonly, 'readonly').map((f) => f.path))
  const columns = o.list === undefined ? editable.filter((f) => isScalar(f.kind)).slice(0, 4) : pick(o.list, 'list')
  const search = pick(o.search, 'search').map((f) => {
    if (f.kind !== 'text' && f.kind !== 'textarea' && f.kind !== 'enum') throw bad(`search field '${f.path}' is not text`)
    return f.path
  })
  const filters = pick(o.filters, 'filters').map((f): FilterSpec => {
    if (f.kind === 'boolean' || f.kind === 'enum' || f.kind === 'reference') return { field: f, kind: f.kind }
    if (f.kind === 'datetime') return { field: f, kind: 'date' }
    throw bad(`filter '${f.path}' is ${f.kind}; filters are booleans, enums, dates and references`)
  })

  // A list sorts by a field only when an index starts with it: no collection scan per page.
  const sortable = new Set<string>(['_id'])
  for (const ix of model.indexes) {
    const first = Object.keys(ix.key)[0]
    if (first !== undefined) sortable.add(first)
  }
  const orderingNames = typeof o.ordering === 'string' ? [o.ordering] : o.ordering ?? ['-_id']
  const ordering = orderingNames.map((n) => {
    const path = n.replace(/^-/, '')
    if (path !== '_id' && !byName.has(path)) throw bad(`ordering names '${path}', which the schema does not have (fields: ${known()})`)
    return [path, n.startsWith('-') ? -1 : 1] as const
  })

  const actions = new Map<string, AdminAction>()
  for (const a of o.actions ?? []) {
    if (typeof a?.run !== 'function' || !ACTION_NAME.test(String(a?.name))) throw bad(`an action needs a name (letters, digits, '_') and a run() function; got ${JSON.stringify(a?.name)}`)
    if (a.name === 'delete_selected' || actions.has(a.name)) throw bad(`the action name '${a.name}' is used twice (delete_selected is built in)`)
    actions.set(a.name, Object.freeze({ ...a }))
  }

  const label = o.label ?? humanize(singular(model.key))
  const perm = (action: AdminPermission) => `${model.app}.${action}_${model.key}`
  return Object.freeze({
    ...reg,
    app: model.app,
    key: model.key,
    label,
    labelPlural: o.labelPlural ?? humanize(model.key),
    fields,
    formFields,
    readonly,
    columns,
    search,
    filters,
    sortable,
    ordering,
    actions,
    perms: Object.freeze({ view: perm('view'), add: perm('add'), change: perm('change'), delete: perm('delete') }),
    display: o.display ?? defaultDisplay,
  })
}
