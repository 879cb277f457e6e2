import { markSafe, type SafeString } from '../templates/engine.js'
import { displayValue } from './coerce.js'
import type { FormField } from './form-fields.js'
import { renderField, type RenderFieldOptions } from './render-field.js'
import type { FieldErrors } from '../models/messages.js'

/**
 * A form with values and errors, for a template: `{{ form.field('title') }}` draws a field
 * with its label, value, error and `aria-invalid`; `form.errors` and `form.values` are
 * there for hand-written markup.
 */
export class BoundForm {
  readonly fields: readonly FormField[]
  /** Field → the text its control shows (a submission as typed, or a document's values). */
  readonly values: Readonly<Record<string, string | string[]>>
  readonly errors: Readonly<FieldErrors>
  readonly #byName: ReadonlyMap<string, FormField>
  readonly #idPrefix: string

  constructor (fields: readonly FormField[], values: Record<string, unknown>, errors: FieldErrors, idPrefix = 'id') {
    this.fields = fields
    this.#byName = new Map(fields.map((f) => [f.name, f]))
    this.values = Object.freeze(Object.fromEntries(fields.map((f) => [f.name, displayValue(f, values[f.name])])))
    this.errors = Object.freeze({ ...errors })
    this.#idPrefix = idPrefix
  }

  /** True when some field has an error. */
  get invalid (): boolean {
    return Object.keys(this.errors).length > 0
  }

  /** Errors that belong to no field of the form (shown above it). */
  get otherErrors (): string[] {
    return Object.entries(this.errors).filter(([k]) => !this.#byName.has(k.split('.')[0]!)).map(([, v]) => v)
  }

  /** The error of a field (its own, or the first of its sub-fields), or undefined. */
  error (name: string): string | undefined {
    return this.errors[name] ?? Object.entries(this.errors).find(([k]) => k.startsWith(`${name}.`))?.[1]
  }

  /**
   * The HTML of one field, escaped and marked safe for templates.
   * @throws Error naming the known fields when `name` is not one of them (a template typo).
   */
  field (name: string, opts: RenderFieldOptions = {}): SafeString {
    const field = this.#byName.get(name)
    if (!field) throw new Error(`The form has no field '${name}'; its fields are: ${[...this.#byName.keys()].join(', ')}.`)
    return markSafe(renderField({ field, value: this.values[name] ?? '', error: this.error(name), idPrefix: this.#idPrefix }, opts))
  }

  /** Every field, in order. */
  all (opts: RenderFieldOptions = {}): SafeString {
    return markSafe(this.fields.map((f) => String(this.field(f.name, opts))).join('\n'))
  }
}
