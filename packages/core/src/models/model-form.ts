import type { TSchema } from 'typebox'
import { Form, type FormOptions } from '../forms/define-form.js'

/** Options of `model.form()`: the fields to keep (`pick`) or leave out (`omit`), plus form options. */
export interface ModelFormOptions<K extends string = string> extends FormOptions {
  pick?: readonly K[]
  omit?: readonly K[]
}

type Schema = Record<string, unknown>

/**
 * The form of a model: its schema's fields, less `_id` (never typed in by a user) unless
 * picked, picked or omitted as asked, with every rule (required, lengths, patterns) kept.
 * @throws TypeError naming a picked or omitted field the model does not have.
 */
export function buildModelForm<T> (modelName: string, schema: TSchema, opts: ModelFormOptions = {}): Form<T> {
  const s = schema as Schema
  const props = (s.properties ?? {}) as Record<string, Schema>
  for (const name of [...(opts.pick ?? []), ...(opts.omit ?? [])]) {
    if (!(name in props)) throw new TypeError(`Model '${modelName}' has no field '${name}'; its fields are: ${Object.keys(props).join(', ')}.`)
  }
  const keep = (name: string) => opts.pick ? opts.pick.includes(name) : name !== '_id' && !(opts.omit ?? []).includes(name)
  const properties = Object.fromEntries(Object.entries(props).filter(([name]) => keep(name)))
  const required = ((s.required as string[] | undefined) ?? []).filter(keep)
  const { pick: _pick, omit: _omit, ...formOpts } = opts
  return new Form<T>({ ...s, properties, required } as unknown as TSchema, formOpts)
}
