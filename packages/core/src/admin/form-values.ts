// Between documents and HTML forms: the values a form shows for a document, and the typed
// values read back from a posted form, with a message per field that cannot be read.
import { BSON, Decimal128, ObjectId } from 'mongodb'
import type { FieldSpec } from './schema-fields.js'

const { EJSON } = BSON
const REQUIRED = 'This field is required.'
const HEX24 = /^[0-9a-fA-F]{24}$/

/** A value as the text of its input. */
export function inputText (spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return ''
  switch (spec.kind) {
    case 'datetime': return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 19) : String(value)
    case 'boolean': return value === true ? 'on' : ''
    case 'json': return JSON.stringify(EJSON.serialize(value, { relaxed: true }), null, 2)
    default: return typeof value === 'object' ? String(value) : String(value)
  }
}

/** Reads the value at a dotted path. */
export function valueAt (doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

type Parsed = { value: unknown } | { error: string }

function parseScalar (spec: FieldSpec, raw: string): Parsed {
  const text = spec.kind === 'text' || spec.kind === 'textarea' ? raw : raw.trim()
  if (text === '' && spec.kind !== 'text' && spec.kind !== 'textarea') return spec.required ? { error: REQUIRED } : { value: undefined }
  switch (spec.kind) {
    case 'text':
    case 'textarea':
      return { value: text === '' && !spec.required ? undefined : text }
    case 'number':
    case 'integer': {
      const n = Number(text)
      if (!Number.isFinite(n)) return { error: 'Enter a number.' }
      if (spec.kind === 'integer' && !Number.isInteger(n)) return { error: 'Enter a whole number.' }
      return { value: n }
    }
    case 'decimal':
      try {
        return { value: Decimal128.fromString(text) }
      } catch {
        return { error: 'Enter a decimal number such as 12.50.' }
      }
    case 'datetime': {
      // datetime-local inputs send local wall time without a zone; the admin works in UTC.
      const ms = Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(text) ? text : `${text}Z`)
      return Number.isNaN(ms) ? { error: 'Enter a date and time (YYYY-MM-DD HH:MM, UTC).' } : { value: new Date(ms) }
    }
    case 'enum':
      return spec.choices?.includes(text) === true ? { value: text } : { error: 'Select one of the choices offered.' }
    case 'objectid':
    case 'reference':
      return HEX24.test(text) ? { value: new ObjectId(text) } : { error: 'Enter a document id (24 hexadecimal digits).' }
    default:
      return { value: text }
  }
}

function parseJson (spec: FieldSpec, raw: string): Parsed {
  if (raw.trim() === '') return spec.required ? { error: REQUIRED } : { value: undefined }
  try {
    return { value: EJSON.parse(raw, { relaxed: true }) }
  } catch (err) {
    return { error: `Enter valid JSON (${(err as Error).message}).` }
  }
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)])

/** True when nothing was typed into any input of these fields (an optional object left empty). */
function isBlank (fields: readonly FieldSpec[], body: Record<string, unknown>): boolean {
  return fields.every((f) => (f.kind === 'object'
    ? isBlank(f.fields ?? [], body)
    : asList(Object.hasOwn(body, f.path) ? body[f.path] : undefined).every((v) => v.trim() === '' || (f.kind === 'boolean' && v === 'off'))))
}

/**
 * Reads the posted values of `fields` from a urlencoded body into a partial document: inputs
 * named by their dotted path, lists as repeated names, JSON fields as Extended JSON text.
 * Returns the values and the fields that could not be read (path → message).
 */
export function readForm (fields: readonly FieldSpec[], body: Record<string, unknown>): { values: Record<string, unknown>, errors: Record<string, string> } {
  const values: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  const get = (path: string): unknown => (Object.hasOwn(body, path) ? body[path] : undefined)
  const one = (path: string): string => asList(get(path)).at(-1) ?? ''
  for (const spec of fields) {
    let parsed: Parsed
    if (spec.kind === 'boolean') parsed = { value: asList(get(spec.path)).some((v) => v === 'on' || v === 'true' || v === '1') }
    else if (spec.kind === 'json') parsed = parseJson(spec, one(spec.path))
    else if (spec.kind === 'object' && !spec.required && isBlank(spec.fields ?? [], body)) parsed = { value: undefined }
    else if (spec.kind === 'object') {
      const inner = readForm(spec.fields ?? [], body)
      Object.assign(errors, inner.errors)
      const nested: Record<string, unknown> = {}
      for (const sub of spec.fields ?? []) {
        const v = inner.values[sub.path]
        if (v !== undefined) nested[sub.name] = v
      }
      parsed = { value: Object.keys(nested).length === 0 && !spec.required ? undefined : nested }
    } else if (spec.kind === 'list') {
      const items = asList(get(spec.path)).filter((v) => v.trim() !== '').map((v) => parseScalar(spec.item!, v))
      const bad = items.find((i): i is { error: string } => 'error' in i)
      parsed = bad ?? { value: items.map((i) => (i as { value: unknown }).value) }
    } else parsed = parseScalar(spec, one(spec.path))
    if ('error' in parsed) errors[spec.path] = parsed.error
    else values[spec.path] = parsed.value
  }
  return { values, errors }
}

/** A model's error paths ('/author/name', 'author.name') as the admin's dotted paths. */
export function errorPath (path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.')
}
