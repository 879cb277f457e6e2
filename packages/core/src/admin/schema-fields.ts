// Reads a model's TypeBox schema into the field descriptions the admin's forms, lists and
// filters are built from. Done once per model at boot.
const Kind = Symbol.for('TypeBox.Kind')

/** How a field is edited and shown. */
export type FieldKind =
  | 'text' | 'textarea' | 'number' | 'integer' | 'decimal' | 'boolean' | 'datetime' | 'enum'
  | 'objectid' | 'reference' | 'list' | 'object' | 'json'

/** One field of a model, as the admin sees it. */
export interface FieldSpec {
  /** Dotted path from the document root ('author.name'). */
  readonly path: string
  /** Last segment of the path. */
  readonly name: string
  readonly label: string
  readonly kind: FieldKind
  readonly required: boolean
  readonly choices?: readonly string[]
  /** The referenced model's name ('auth:users'), for kind 'reference'. */
  readonly ref?: string
  /** The element of a 'list' (a scalar kind). */
  readonly item?: FieldSpec
  /** The properties of an 'object'. */
  readonly fields?: readonly FieldSpec[]
  readonly help?: string
  readonly min?: number
  readonly max?: number
  readonly minLength?: number
  readonly maxLength?: number
}

type Schema = Record<string | symbol, unknown>

const SCALARS: ReadonlySet<FieldKind> = new Set(['text', 'textarea', 'number', 'integer', 'decimal', 'boolean', 'datetime', 'enum', 'objectid', 'reference'])

/** True for kinds edited by one input. */
export function isScalar (kind: FieldKind): boolean {
  return SCALARS.has(kind)
}

/** 'published_at' / 'publishedAt' → 'Published at'. */
export function humanize (name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function literalChoices (s: Schema): string[] | null {
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return s.enum as string[]
  if (!Array.isArray(alternatives) || alternatives.length === 0) return null
  const values = alternatives.map((a) => a.const)
  return values.every((v) => typeof v === 'string') ? values as string[] : null
}

function isObjectIdSchema (s: Schema): boolean {
  const kind = String(s[Kind] ?? '')
  return s.taoType === 'objectId' || kind === 'ObjectId' || s.format === 'objectid' || s['x-bson'] === 'objectId' || s.instanceOf === 'ObjectId' ||
    (s.type === 'string' && s.pattern === '^[0-9a-fA-F]{24}$' && s.format !== undefined)
}

function isDateSchema (s: Schema): boolean {
  const kind = String(s[Kind] ?? '')
  return s.taoType === 'date' || kind === 'Date' || s.type === 'Date' || s.instanceOf === 'Date' || s['x-bson'] === 'date' || s.format === 'date-time'
}

function isDecimalSchema (s: Schema): boolean {
  return String(s[Kind] ?? '') === 'Decimal128' || s['x-bson'] === 'decimal' || s.instanceOf === 'Decimal128'
}

function kindOf (s: Schema, ref: string | undefined): FieldKind {
  if (isObjectIdSchema(s)) return ref === undefined ? 'objectid' : 'reference'
  if (isDateSchema(s)) return 'datetime'
  if (isDecimalSchema(s)) return 'decimal'
  if (literalChoices(s) !== null) return 'enum'
  switch (s.type) {
    case 'string': return typeof s.maxLength === 'number' && s.maxLength <= 200 ? 'text' : (s.format === 'textarea' || s.maxLength !== undefined ? 'textarea' : 'text')
    case 'number': return 'number'
    case 'integer': return 'integer'
    case 'boolean': return 'boolean'
    case 'array': return 'list'
    case 'object': return s.properties !== undefined && Object.keys(s.properties as object).length > 0 ? 'object' : 'json'
    default: return 'json'
  }
}

function build (s: Schema, path: string, required: boolean, refs: Readonly<Record<string, string>>): FieldSpec {
  const name = path.split('.').pop()!
  const ref = refs[path] ?? (typeof s.ref === 'string' ? s.ref : undefined) ?? (typeof s['x-ref'] === 'string' ? s['x-ref'] as string : undefined)
  let kind = kindOf(s, ref)
  const spec: Record<string, unknown> = {
    path, name, kind, required, label: typeof s.title === 'string' ? s.title : humanize(name),
  }
  if (ref !== undefined && kind === 'reference') spec.ref = ref
  if (typeof s.description === 'string') spec.help = s.description
  for (const k of ['minLength', 'maxLength'] as const) if (typeof s[k] === 'number') spec[k] = s[k]
  if (typeof s.minimum === 'number') spec.min = s.minimum
  if (typeof s.maximum === 'number') spec.max = s.maximum
  if (kind === 'enum') spec.choices = literalChoices(s)
  if (kind === 'list') {
    const item = build((s.items ?? {}) as Schema, `${path}.$`, true, refs)
    // A list of scalars gets one input per element; anything richer falls back to JSON.
    if (isScalar(item.kind) && item.kind !== 'boolean') spec.item = item
    else kind = spec.kind = 'json'
  }
  if (kind === 'object') spec.fields = objectFields(s, `${path}.`, refs)
  return Object.freeze(spec) as unknown as FieldSpec
}

function objectFields (s: Schema, prefix: string, refs: Readonly<Record<string, string>>): FieldSpec[] {
  const props = (s.properties ?? {}) as Record<string, Schema>
  const required = new Set(Array.isArray(s.required) ? s.required as string[] : [])
  return Object.entries(props).map(([key, sub]) => build(sub, prefix + key, required.has(key), refs))
}

/**
 * The top-level fields of a model's object schema, in declaration order (`_id` included).
 * @param refs reference fields the registration declares (path → model name).
 */
export function schemaFields (schema: unknown, refs: Readonly<Record<string, string>> = {}): FieldSpec[] {
  if (typeof schema !== 'object' || schema === null) return []
  return objectFields(schema as Schema, '', refs)
}
