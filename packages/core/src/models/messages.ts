import type { ErrorObject } from 'ajv'

/** Field path → sentence: the per-field errors of a model, a form or TAO_ERR_MODEL_INVALID. */
export type FieldErrors = Record<string, string>

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const TYPE_SENTENCES: Record<string, string> = {
  string: 'Enter some text.',
  number: 'Enter a number.',
  integer: 'Enter a whole number.',
  boolean: 'Choose yes or no.',
  array: 'Enter a list of values.',
  object: 'Enter a group of values.',
  null: 'Leave this field empty.',
}

const FORMAT_SENTENCES: Record<string, string> = {
  email: 'Enter a valid email address.',
  uri: 'Enter a valid URL.',
  url: 'Enter a valid URL.',
  date: 'Enter a valid date (YYYY-MM-DD).',
  'date-time': 'Enter a valid date and time.',
  time: 'Enter a valid time.',
  uuid: 'Enter a valid UUID.',
}

const BSON_SENTENCES: Record<string, string> = {
  objectId: 'Enter a valid id.',
  date: 'Enter a valid date.',
  decimal128: 'Enter a decimal number.',
  long: 'Enter a whole number.',
  binary: 'Give binary data.',
}

/** The plain sentence for one Ajv error; `errorMessage` on the field's schema wins. */
export function sentenceOf (err: ErrorObject): string {
  // A missing field's error belongs to the object; its sentence to the field's own schema.
  const own = err.keyword === 'required'
    ? (err.parentSchema?.properties as Record<string, unknown> | undefined)?.[(err.params as { missingProperty: string }).missingProperty]
    : err.parentSchema
  const custom = (own as { errorMessage?: unknown } | undefined)?.errorMessage
  if (typeof custom === 'string') return custom
  if (custom && typeof custom === 'object') {
    const byKeyword = (custom as Record<string, unknown>)[err.keyword]
    if (typeof byKeyword === 'string') return byKeyword
  }
  const p = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'required': return 'This field is required.'
    case 'minLength': return p.limit === 1 ? 'This field cannot be empty.' : `Enter at least ${plural(p.limit as number, 'character', 'characters')}.`
    case 'maxLength': return `Enter at most ${plural(p.limit as number, 'character', 'characters')}.`
    case 'minimum': return `Enter a number greater than or equal to ${String(p.limit)}.`
    case 'maximum': return `Enter a number less than or equal to ${String(p.limit)}.`
    case 'exclusiveMinimum': return `Enter a number greater than ${String(p.limit)}.`
    case 'exclusiveMaximum': return `Enter a number less than ${String(p.limit)}.`
    case 'multipleOf': return `Enter a multiple of ${String(p.multipleOf)}.`
    case 'minItems': return `Choose at least ${plural(p.limit as number, 'value', 'values')}.`
    case 'maxItems': return `Choose at most ${plural(p.limit as number, 'value', 'values')}.`
    case 'uniqueItems': return 'Each value may appear only once.'
    case 'pattern': return 'Enter a value in the expected format.'
    case 'format': return FORMAT_SENTENCES[p.format as string] ?? `Enter a valid ${String(p.format)}.`
    case 'const': case 'enum': case 'anyOf': case 'oneOf': return 'Choose one of the allowed values.'
    case 'additionalProperties': return 'This field is not allowed.'
    case 'type': return TYPE_SENTENCES[String(p.type).split(',')[0] ?? ''] ?? 'Enter a valid value.'
    case 'taoType': return BSON_SENTENCES[String(err.schema)] ?? 'Enter a valid value.'
    default: return 'Enter a valid value.'
  }
}

/** `/tags/0` → `tags.0`: the dotted path MongoDB and forms use. */
function dotted (instancePath: string): string {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.')
}

/** The field an Ajv error belongs to: `required` and `additionalProperties` name a child. */
export function fieldOf (err: ErrorObject, prefix = ''): string {
  const base = dotted(err.instancePath)
  const p = err.params as Record<string, unknown>
  const child = err.keyword === 'required' ? p.missingProperty : err.keyword === 'additionalProperties' ? p.additionalProperty : undefined
  const parts = [prefix, base, typeof child === 'string' ? child : ''].filter((s) => s !== '')
  return parts.join('.')
}

/**
 * Ajv's errors as one sentence per field (the first error of a field wins: a missing field
 * says "required", not also "wrong type"). Union branches repeat errors per branch; the
 * union's own error names the field once.
 */
export function fieldErrorsOf (errors: readonly ErrorObject[] | null | undefined, prefix = ''): FieldErrors {
  const out: FieldErrors = {}
  for (const err of errors ?? []) {
    if (err.schemaPath.includes('/anyOf/') || err.schemaPath.includes('/oneOf/')) continue
    const field = fieldOf(err, prefix)
    out[field] ??= sentenceOf(err)
  }
  return out
}
