import type { ValidateFunction } from 'ajv'
import type { TSchema } from 'typebox'
import { partialAjv, wholeAjv } from './ajv.js'
import { fieldErrorsOf, type FieldErrors } from './messages.js'

/** What {@link Validator.check} answers. */
export type ValidationResult<T> = { ok: true, value: T } | { ok: false, errors: FieldErrors }

/** Options of a check: `partial` checks only the fields given (an update, a partial form). */
export interface ValidateOptions {
  partial?: boolean
}

type Schema = Record<string, unknown>

/** The schema without its top-level `required`: every field optional, every other rule kept. */
function withoutRequired (schema: Schema): Schema {
  const { required: _required, ...rest } = schema
  return rest
}

/** The sub-schema at a dotted path through `properties`, or undefined (arrays, unions, records). */
function schemaAt (schema: Schema, path: string): Schema | undefined {
  let at: Schema | undefined = schema
  for (const part of path.split('.')) {
    const props = at?.properties as Record<string, Schema> | undefined
    at = props?.[part]
    if (at === undefined) return undefined
  }
  return at
}

/**
 * A schema compiled once (whole and partial, at definition) into Ajv validators; the
 * validators of dotted `$set` paths compile on first use and are kept.
 */
export class Validator<T> {
  readonly schema: TSchema
  // Compiled on first use (compile() at boot for the project's models): Ajv takes tens of
  // milliseconds per schema, and models a project never uses (the built-in apps' when they are
  // off) must not cost every boot.
  #whole: ValidateFunction | undefined
  #partial: ValidateFunction | undefined
  // Only paths the schema describes are kept: a finite set, whatever paths callers send.
  readonly #paths = new Map<string, ValidateFunction>()

  constructor (schema: TSchema) {
    this.schema = schema
  }

  /** Compiles both validators now (they are otherwise compiled on first use). */
  compile (): void {
    this.#whole ??= wholeAjv().compile(this.schema as Schema)
    this.#partial ??= partialAjv().compile(withoutRequired(this.schema as Schema))
  }

  /** Checks a document (defaults filled in when whole); one plain sentence per bad field. */
  check (doc: unknown, opts: ValidateOptions = {}): ValidationResult<T> {
    this.compile()
    const fn = (opts.partial ? this.#partial : this.#whole)!
    if (fn(doc)) return { ok: true, value: doc as T }
    return { ok: false, errors: fieldErrorsOf(fn.errors) }
  }

  /** The fields of a top-level schema that must be present. */
  get required (): readonly string[] {
    return ((this.schema as Schema).required as string[] | undefined) ?? []
  }

  /**
   * Checks `$set`-style values `{ 'a.b': v }`: top-level ones against the partial schema,
   * dotted ones against their sub-schema when it can be found (else they pass: MongoDB
   * paths may go through arrays and maps that no static schema describes).
   */
  checkPaths (values: Record<string, unknown>): FieldErrors {
    const top: Record<string, unknown> = {}
    const errors: FieldErrors = {}
    for (const [path, value] of Object.entries(values)) {
      if (!path.includes('.')) {
        top[path] = value
        continue
      }
      const fn = this.#pathValidator(path)
      if (fn && !fn(value)) Object.assign(errors, fieldErrorsOf(fn.errors, path))
    }
    const result = this.check(top, { partial: true })
    return result.ok ? errors : { ...result.errors, ...errors }
  }

  #pathValidator (path: string): ValidateFunction | null {
    const known = this.#paths.get(path)
    if (known) return known
    const sub = schemaAt(this.schema as Schema, path)
    if (!sub) return null
    const fn = partialAjv().compile(sub)
    this.#paths.set(path, fn)
    return fn
  }
}
