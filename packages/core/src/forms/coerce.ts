import { ObjectId } from 'mongodb'
import type { FormField } from './form-fields.js'
import { kindOf } from './form-fields.js'

/** The value of one field in a submitted body: text, repeated text, or an upload. */
export type SubmittedValue = string | string[] | unknown

const TRUE = new Set(['on', 'true', '1', 'yes'])
const FALSE = new Set(['off', 'false', '0', 'no', ''])
const DAY = /^\d{4}-\d{2}-\d{2}$/
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/

function last (value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value
}

/**
 * One text value as the schema's kind wants it. Text that does not convert is returned as
 * is, so the validator names the field ("Enter a number.") instead of the value vanishing.
 */
function coerceOne (kind: string, text: unknown): unknown {
  if (typeof text !== 'string') return text
  const trimmed = text.trim()
  switch (kind) {
    case 'number':
    case 'integer': {
      const n = Number(trimmed)
      return trimmed !== '' && Number.isFinite(n) ? n : text
    }
    case 'boolean':
      return TRUE.has(trimmed.toLowerCase()) ? true : FALSE.has(trimmed.toLowerCase()) ? false : text
    case 'date': {
      // <input type="date"> sends a day, <input type="datetime-local"> a time without zone:
      // both are read as UTC, so a value round-trips through the form unchanged.
      if (DAY.test(trimmed)) return new Date(`${trimmed}T00:00:00Z`)
      if (LOCAL_TIME.test(trimmed)) return new Date(`${trimmed}Z`)
      return new Date(trimmed)
    }
    case 'objectId':
      return ObjectId.isValid(trimmed) && /^[0-9a-fA-F]{24}$/.test(trimmed) ? new ObjectId(trimmed) : text
    default:
      return text
  }
}

/**
 * The typed value of a field from a submitted body, with what HTML forms need: an empty
 * string is a missing value, an absent checkbox is false, a repeated name (or a single
 * one, for a list field) is a list, and text becomes a number, boolean, Date or ObjectId.
 */
export function coerceField (field: FormField, submitted: SubmittedValue): unknown {
  if (field.kind === 'boolean') return submitted === undefined ? false : coerceOne('boolean', last(submitted))
  if (field.kind === 'array') {
    const list = submitted === undefined ? [] : Array.isArray(submitted) ? submitted : [submitted]
    const itemKind = kindOf((field.schema.items ?? {}) as Record<string, unknown>)
    return list.filter((v) => v !== '').map((v) => coerceOne(itemKind, v))
  }
  // Text is trimmed as Django's CharField does: '  ' is an empty, so missing, value.
  const raw = last(submitted)
  const value = typeof raw === 'string' ? raw.trim() : raw
  if (value === undefined || value === '') return undefined
  return coerceOne(field.kind, value)
}

/** The text a control shows for a value: a re-rendered submission, or a stored document's. */
export function displayValue (field: FormField, value: unknown): string | string[] {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map((v) => String(displayValue(field, v)))
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return ''
    const iso = value.toISOString()
    return field.widget === 'date' ? iso.slice(0, 10) : field.widget === 'datetime-local' ? iso.slice(0, 16) : iso
  }
  if (value instanceof ObjectId) return value.toHexString()
  return String(value)
}
