import { taoError, type TaoError } from '../errors/index.js'
import type { FieldErrors } from './messages.js'
import type { ModelIndex } from './define-model.js'

/** The sentence a field shows when a unique index refuses its value. */
export const DUPLICATE_SENTENCE = 'This value is already used; choose another.'

/** MongoDB's default name of an index: `{ a: 1, b: -1 }` → `a_1_b_-1`. */
export function defaultIndexName (key: Record<string, unknown>): string {
  return Object.entries(key).map(([k, v]) => `${k}_${String(v)}`).join('_')
}

interface DuplicateLike {
  code?: unknown
  keyPattern?: unknown
  errmsg?: unknown
  message?: unknown
  writeErrors?: unknown
}

function firstDuplicate (err: unknown): DuplicateLike | null {
  const e = err as DuplicateLike | null
  if (!e || typeof e !== 'object') return null
  if (e.code === 11000 || e.code === 11001) return e
  // insertMany / bulkWrite: the first write error that is a duplicate key.
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : []
  for (const w of list as Array<DuplicateLike & { err?: DuplicateLike }>) {
    if (w.code === 11000) return { ...w.err, ...w, errmsg: w.errmsg ?? w.err?.errmsg }
  }
  return null
}

/** The fields of the unique index that refused a write, from the error or its message. */
function duplicateFields (dup: DuplicateLike, indexes: readonly ModelIndex[]): string[] {
  if (dup.keyPattern && typeof dup.keyPattern === 'object') return Object.keys(dup.keyPattern)
  const text = String(dup.errmsg ?? dup.message ?? '')
  const name = /index: (\S+) dup key/.exec(text)?.[1]
  const index = indexes.find((i) => (i.name ?? defaultIndexName(i.key)) === name)
  if (index) return Object.keys(index.key)
  return name ? [name.replace(/_-?1$/, '')] : ['_id']
}

/**
 * The TAO_ERR_MODEL_DUPLICATE for a duplicate-key error of a model write (field paths in
 * `details.fields`, so forms show them beside the field), or null for any other error.
 */
export function duplicateError (model: string, indexes: readonly ModelIndex[], err: unknown): TaoError | null {
  const dup = firstDuplicate(err)
  if (!dup) return null
  const names = duplicateFields(dup, indexes)
  const fields: FieldErrors = Object.fromEntries(names.map((f) => [f, DUPLICATE_SENTENCE]))
  return taoError('TAO_ERR_MODEL_DUPLICATE', [model, names], { model, fields }, { cause: err })
}
