import type { Document } from 'bson'
import { CommandError } from './command-error.js'
import type { StringCompare } from './compare.js'
import { isPlainObject, valueKey } from './values.js'

/**
 * A collation the store honours, through `Intl.Collator`: `spec` is the normalised document
 * MongoDB shows (defaults filled in), `compare` orders strings, `fold` maps a string to the
 * index key shared by the strings the collation calls equal.
 */
export interface Collation {
  readonly spec: Readonly<Document>
  readonly key: string
  readonly compare: StringCompare
  readonly fold: (s: string) => string
}

const FIELDS = new Set(['locale', 'caseLevel', 'caseFirst', 'strength', 'numericOrdering', 'alternate', 'maxVariable', 'normalization', 'backwards', 'version'])
const SENSITIVITY = { 1: 'base', 2: 'accent', 3: 'variant' } as const
const byKey = new Map<string, Collation>()
const bySpec = new WeakMap<object, Collation>()

function invalid (field: string, raw: Document, why: string): CommandError {
  return new CommandError('BadValue', `Field '${field}' is invalid in: ${JSON.stringify(raw)}: ${why}`)
}

function unsupported (field: string, value: unknown): CommandError {
  return new CommandError('BadValue', `Field '${field}' value ${JSON.stringify(value)} is not supported by the embedded database. Set TAO_DATABASE_URL to use a MongoDB server for this.`)
}

function enumField (raw: Document, field: string, allowed: string[], fallback: string): string {
  const v: unknown = raw[field]
  if (v === undefined) return fallback
  if (typeof v !== 'string' || !allowed.includes(v)) throw invalid(field, raw, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`)
  return v
}

function boolField (raw: Document, field: string): boolean {
  const v: unknown = raw[field]
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw new CommandError('TypeMismatch', `BSON field 'collation.${field}' is the wrong type '${typeof v}', expected type 'bool'`)
  return v
}

/**
 * Reads a `collation` option. Returns undefined when absent, null for the `simple` collation,
 * otherwise the collation. What `Intl.Collator` cannot honour (strength 4 and 5, `backwards`,
 * `maxVariable: 'space'`) is refused, never silently approximated.
 * @throws CommandError BadValue, TypeMismatch, Location40414/40415 as MongoDB does.
 */
export function parseCollation (raw: unknown, field = 'collation'): Collation | null | undefined {
  if (raw === undefined) return undefined
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`)
  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key)) throw CommandError.location(40415, `BSON field '${field}.${key}' is an unknown field.`)
  }
  const locale: unknown = raw.locale
  if (locale === undefined) throw CommandError.location(40414, `BSON field '${field}.locale' is missing but a required field`)
  if (typeof locale !== 'string') throw new CommandError('TypeMismatch', `BSON field '${field}.locale' is the wrong type, expected type 'string'`)
  if (locale === 'simple') {
    if (Object.keys(raw).length > 1) throw new CommandError('BadValue', 'If locale=simple, then the other collation fields must be absent')
    return null
  }
  const tag = locale.replace(/_/g, '-')
  if (locale === '' || locale.includes('@') || Intl.Collator.supportedLocalesOf([tag], { localeMatcher: 'lookup' }).length === 0) {
    throw new CommandError('BadValue', `Field 'locale' is invalid in: { locale: ${JSON.stringify(locale)} }`)
  }
  const strength: unknown = raw.strength ?? 3
  if (typeof strength !== 'number' || !Number.isInteger(strength) || strength < 1 || strength > 5) {
    throw new CommandError('BadValue', `Field 'strength' must be an integer 1 through 5. Got: ${String(strength)}`)
  }
  if (strength > 3) throw unsupported('strength', strength)
  const spec: Document = {
    locale,
    caseLevel: boolField(raw, 'caseLevel'),
    caseFirst: enumField(raw, 'caseFirst', ['upper', 'lower', 'off'], 'off'),
    strength,
    numericOrdering: boolField(raw, 'numericOrdering'),
    alternate: enumField(raw, 'alternate', ['non-ignorable', 'shifted'], 'non-ignorable'),
    maxVariable: enumField(raw, 'maxVariable', ['punct', 'space'], 'punct'),
    normalization: boolField(raw, 'normalization'),
    backwards: boolField(raw, 'backwards'),
    version: '57.1',
  }
  if (spec.backwards === true) throw unsupported('backwards', true)
  if (spec.maxVariable === 'space' && spec.alternate === 'shifted') throw unsupported('maxVariable', 'space')
  return build(spec, tag)
}

function build (spec: Document, tag: string): Collation {
  const key = valueKey(spec)
  const cached = byKey.get(key)
  if (cached !== undefined) return cached
  const strength = spec.strength as 1 | 2 | 3
  // caseLevel adds case to strengths 1 and 2, as ICU's case level does.
  let sensitivity: string = SENSITIVITY[strength]
  if (spec.caseLevel === true) sensitivity = strength === 1 ? 'case' : 'variant'
  const collator = new Intl.Collator(tag, {
    usage: 'sort',
    sensitivity: sensitivity as Intl.CollatorOptions['sensitivity'],
    numeric: spec.numericOrdering === true,
    caseFirst: spec.caseFirst === 'off' ? 'false' : spec.caseFirst as 'upper' | 'lower',
    ignorePunctuation: spec.alternate === 'shifted',
  })
  const lower = (s: string): string => s.toLocaleLowerCase(tag)
  const stripMarks = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')
  const foldCase = sensitivity === 'base' || sensitivity === 'accent'
  const foldMarks = sensitivity === 'base' || sensitivity === 'case'
  const fold = (s: string): string => {
    let out = s.normalize('NFC')
    if (foldMarks) out = stripMarks(out)
    if (foldCase) out = lower(out)
    return out
  }
  const collation: Collation = Object.freeze({ spec: Object.freeze(spec), key, compare: (a: string, b: string) => collator.compare(a, b), fold })
  byKey.set(key, collation)
  bySpec.set(collation.spec, collation)
  return collation
}

/** Whether two collations (undefined: simple) are the same, as an index and a query must be. */
export function sameCollation (a: Collation | null | undefined, b: Collation | null | undefined): boolean {
  return (a?.key ?? null) === (b?.key ?? null)
}

/** The collation of a spec stored with an index or collection, or carried in mingo's options. */
export function storedCollation (spec: unknown): Collation | undefined {
  if (!isPlainObject(spec)) return undefined
  return bySpec.get(spec) ?? parseCollation(spec) ?? undefined
}

/** valueKey, with strings (also inside documents and arrays) folded as the collation says. */
export function collatedKey (v: unknown, collation: Collation | undefined): string {
  if (collation === undefined) return valueKey(v)
  if (typeof v === 'string') return JSON.stringify(collation.fold(v))
  if (Array.isArray(v)) return '[' + v.map((x) => collatedKey(x, collation)).join(',') + ']'
  if (isPlainObject(v)) return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + collatedKey(v[k], collation)).join(',') + '}'
  return valueKey(v)
}
