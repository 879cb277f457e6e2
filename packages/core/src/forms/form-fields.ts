import { bsonTypeOf } from '../models/schema-types.js'

/** How a field is shown: the HTML control its value goes in. */
export type Widget = 'text' | 'textarea' | 'number' | 'checkbox' | 'select' | 'checkboxes' | 'date' | 'datetime-local' | 'email' | 'url' | 'password' | 'hidden'

/** Per-field options of a form: everything has a default drawn from the schema. */
export interface FieldOptions {
  /** Default: the schema's `title`, else the name in words (`published_at` → 'Published at'). */
  label?: string
  widget?: Widget
  /** A line of help under the control. */
  help?: string
  /** Replaces the sentence of this field's errors: one string, or one per keyword (`{ required: '…' }`). */
  errorMessage?: string | Record<string, string>
  /** Choices of a select: default, the literals of a union or enum schema. */
  choices?: ReadonlyArray<{ value: string, label: string }>
}

/** What a form knows of each of its fields, computed once when it is defined. */
export interface FormField {
  readonly name: string
  readonly label: string
  readonly widget: Widget
  readonly required: boolean
  readonly help: string | undefined
  readonly choices: ReadonlyArray<{ value: string, label: string }>
  /** The field's JSON type ('string', 'number', 'integer', 'boolean', 'array') or tao BSON type. */
  readonly kind: string
  readonly schema: Record<string, unknown>
}

type Schema = Record<string, unknown>

/** The literal values of `Type.Union([Type.Literal('a'), ...])` or an `enum`, else []. */
export function literalsOf (schema: Schema): string[] {
  if (Array.isArray(schema.enum)) return schema.enum.map(String)
  const anyOf = schema.anyOf as Schema[] | undefined
  if (Array.isArray(anyOf) && anyOf.every((s) => 'const' in s)) return anyOf.map((s) => String(s.const))
  return []
}

/** The kind the coercions and widgets go by. */
export function kindOf (schema: Schema): string {
  const bson = bsonTypeOf(schema)
  if (bson) return bson
  if (typeof schema.type === 'string') return schema.type
  const literals = (schema.anyOf as Schema[] | undefined)?.map((s) => s.type)
  if (literals?.length && literals.every((t) => t === literals[0]) && typeof literals[0] === 'string') return literals[0]
  return 'string'
}

function words (name: string): string {
  const text = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function widgetOf (schema: Schema, kind: string, choices: readonly unknown[]): Widget {
  if (kind === 'boolean') return 'checkbox'
  if (kind === 'number' || kind === 'integer') return 'number'
  if (kind === 'date') return 'date'
  if (kind === 'array') return choices.length > 0 ? 'checkboxes' : 'text'
  if (choices.length > 0) return 'select'
  if (schema.format === 'email') return 'email'
  if (schema.format === 'uri' || schema.format === 'url') return 'url'
  if (schema.format === 'date') return 'date'
  return typeof schema.maxLength === 'number' && schema.maxLength > 500 ? 'textarea' : 'text'
}

/** The fields of an object schema, in declaration order, with their options applied. */
export function buildFields (schema: Schema, options: Record<string, FieldOptions> = {}): FormField[] {
  const props = (schema.properties ?? {}) as Record<string, Schema>
  const required = new Set((schema.required as string[] | undefined) ?? [])
  return Object.entries(props).map(([name, prop]) => {
    const opts = options[name] ?? {}
    const kind = kindOf(prop)
    const itemLiterals = kind === 'array' ? literalsOf((prop.items ?? {}) as Schema) : []
    const literals = kind === 'array' ? itemLiterals : literalsOf(prop)
    const choices = opts.choices ?? literals.map((value) => ({ value, label: value }))
    return Object.freeze({
      name,
      label: opts.label ?? (typeof prop.title === 'string' ? prop.title : words(name)),
      widget: opts.widget ?? widgetOf(prop, kind, choices),
      required: required.has(name) && kind !== 'boolean',
      help: opts.help ?? (typeof prop.description === 'string' ? prop.description : undefined),
      choices: Object.freeze(choices),
      kind,
      schema: prop,
    })
  })
}
