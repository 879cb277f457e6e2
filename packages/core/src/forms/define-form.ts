import type { FastifyRequest } from 'fastify'
import type { Static, TObject, TSchema } from 'typebox'
import { isTaoError } from '../errors/index.js'
import type { FieldErrors } from '../models/messages.js'
import { Validator } from '../models/validate.js'
import { BoundForm } from './bound-form.js'
import { coerceField } from './coerce.js'
import { buildFields, type FieldOptions, type FormField } from './form-fields.js'

/** Options of {@link defineForm}. */
export interface FormOptions {
  /** Per-field label, widget, help, choices and error sentence. */
  fields?: Record<string, FieldOptions>
  /** Prefix of the ids of the form's elements (default 'id'): two forms on one page need two. */
  idPrefix?: string
}

/** What {@link Form.parse} answers; `form` is ready to re-render either way. */
export type FormResult<T> =
  | { ok: true, data: T, form: BoundForm }
  | { ok: false, errors: FieldErrors, values: Record<string, unknown>, form: BoundForm }

type Schema = Record<string, unknown>

/** The schema with each field's `errorMessage` option set on it, so Ajv's errors carry it. */
function withMessages (schema: Schema, fields: Record<string, FieldOptions>): Schema {
  const props = { ...(schema.properties as Record<string, Schema>) }
  for (const [name, opts] of Object.entries(fields)) {
    if (opts.errorMessage !== undefined && props[name]) props[name] = { ...props[name], errorMessage: opts.errorMessage }
  }
  return { ...schema, properties: props }
}

/**
 * A form: reads a urlencoded or multipart body into typed values, with the coercions HTML
 * needs, checks them against the schema (compiled once, here), and re-renders with errors.
 * Only the schema's fields are read: other fields of the body (`_csrf`, `isAdmin`) never
 * reach `data`.
 */
export class Form<T = unknown> {
  readonly schema: TSchema
  readonly fields: readonly FormField[]
  readonly #validator: Validator<T>
  readonly #idPrefix: string

  constructor (schema: TSchema, opts: FormOptions = {}) {
    if ((schema as Schema).type !== 'object') throw new TypeError('defineForm(schema) needs a Type.Object({ ... }) schema.')
    const fieldOpts = opts.fields ?? {}
    this.schema = schema
    this.fields = Object.freeze(buildFields(schema as Schema, fieldOpts))
    this.#validator = new Validator<T>(withMessages(schema as Schema, fieldOpts) as TSchema)
    this.#idPrefix = opts.idPrefix ?? 'id'
  }

  /**
   * Reads the form's fields from a request's body (or a body object), coerces and checks
   * them. A failure keeps the values as submitted, for the re-render.
   */
  parse (source: FastifyRequest | Record<string, unknown> | null | undefined): FormResult<T> {
    const body = bodyOf(source)
    const data: Record<string, unknown> = {}
    for (const field of this.fields) {
      const value = coerceField(field, body[field.name])
      if (value !== undefined) data[field.name] = value
    }
    const result = this.#validator.check(data)
    if (result.ok) return { ok: true, data: result.value, form: this.bind(result.value as Record<string, unknown>) }
    return this.fail(submittedOf(this.fields, body), result.errors)
  }

  /**
   * Parses, then runs `save(data)`; a TAO_ERR_MODEL_INVALID or TAO_ERR_MODEL_DUPLICATE it
   * throws (a unique slug taken) becomes field errors of the result instead of a 4xx page.
   */
  async save<R> (source: FastifyRequest | Record<string, unknown>, save: (data: T) => Promise<R> | R): Promise<FormResult<T> & { saved?: R }> {
    const result = this.parse(source)
    if (!result.ok) return result
    try {
      return { ...result, saved: await save(result.data) }
    } catch (err) {
      if (!isTaoError(err, 'TAO_ERR_MODEL_DUPLICATE') && !isTaoError(err, 'TAO_ERR_MODEL_INVALID')) throw err
      return this.fail(submittedOf(this.fields, bodyOf(source)), err.details.fields as FieldErrors)
    }
  }

  /** The form showing `values` (a document to edit, or nothing for an empty form). */
  bind (values: Record<string, unknown> = {}, errors: FieldErrors = {}): BoundForm {
    return new BoundForm(this.fields, values, errors, this.#idPrefix)
  }

  /** A failed result with these values and errors: for a check of your own after parse(). */
  fail (values: Record<string, unknown>, errors: FieldErrors): FormResult<T> & { ok: false } {
    return { ok: false, errors, values, form: this.bind(values, errors) }
  }
}

function bodyOf (source: FastifyRequest | Record<string, unknown> | null | undefined): Record<string, unknown> {
  const maybe = source as { body?: unknown, raw?: unknown } | null | undefined
  const body = maybe && 'raw' in maybe && 'body' in maybe ? maybe.body : source
  return typeof body === 'object' && body !== null ? body as Record<string, unknown> : {}
}

/** The values to re-render a failed submission with: as typed (text), checkboxes as booleans. */
function submittedOf (fields: readonly FormField[], body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => {
    const raw = body[f.name]
    if (f.kind === 'boolean') return [f.name, coerceField(f, raw) === true]
    const text = Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : typeof raw === 'string' ? raw : undefined
    return [f.name, text]
  }))
}

/**
 * Declares a form from a TypeBox object schema.
 * @example
 *   const Contact = defineForm(Type.Object({ email: Type.String({ format: 'email' }), age: Type.Optional(Type.Integer()) }))
 *   const result = Contact.parse(req)
 *   if (!result.ok) return reply.code(400).render('contact.html', { form: result.form })
 * @see docs/reference/forms.md
 */
export function defineForm<S extends TObject> (schema: S, opts: FormOptions = {}): Form<Static<S>> {
  return new Form<Static<S>>(schema, opts)
}
