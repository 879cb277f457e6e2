import { BSON } from 'mongodb'
import { taoError } from '../errors/index.js'

const { EJSON } = BSON

/**
 * Query operators a raw filter may use: comparisons, logic, element and array tests. Anything
 * else starting with '$' (`$where`, `$function`, `$accumulator`, `$expr` ...) could run code
 * on the server or defeat the point of a read-only filter, so it is refused, not evaluated.
 */
const QUERY_OPERATORS: ReadonlySet<string> = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$and', '$or', '$nor', '$not',
  '$exists', '$type', '$regex', '$options', '$elemMatch', '$size', '$all', '$mod',
])

/** Longest filter text accepted (a filter is typed by a person, not uploaded). */
export const MAX_FILTER_LENGTH = 4096
const MAX_DEPTH = 12

function checkKeys (value: unknown, depth: number, where: string): void {
  if (depth > MAX_DEPTH) throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [`it nests deeper than ${MAX_DEPTH} levels`])
  if (Array.isArray(value)) {
    for (const v of value) checkKeys(v, depth + 1, where)
    return
  }
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof RegExp) return
  // BSON values (ObjectId, Decimal128 ...) carry _bsontype and are leaves.
  if ('_bsontype' in value) {
    // {"$regex": "..."} and {"$regularExpression": ...} parse to a BSONRegExp: check its pattern too.
    if ((value as { _bsontype: string })._bsontype === 'BSONRegExp') checkRegex(value)
    return
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$') && !QUERY_OPERATORS.has(key)) {
      throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [`the operator '${key}' is not allowed (allowed: ${[...QUERY_OPERATORS].join(', ')})`])
    }
    if (key === '$regex') checkRegex(v)
    if (key === '$options' && (typeof v !== 'string' || !/^[imsx]*$/.test(v))) throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', ["'$options' takes the letters i, m, s and x"])
    checkKeys(v, depth + 1, where)
  }
}

// A pattern the server cannot compile is the filter's fault: say so before sending it.
function checkRegex (v: unknown): void {
  const pattern = typeof v === 'string' ? v : (v as { pattern?: unknown } | null)?.pattern
  if (typeof pattern !== 'string' && !(v instanceof RegExp)) throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', ["'$regex' takes a string pattern"])
  if (typeof pattern !== 'string') return
  try {
    RegExp(pattern)
  } catch (err) {
    throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [`the pattern of '$regex' does not compile (${(err as Error).message})`])
  }
}

/**
 * Parses a raw-browser filter: Extended JSON text (`{"_id": {"$oid": "..."}}`,
 * `{"at": {"$gte": {"$date": "2026-01-01T00:00:00Z"}}}`) into a query. Parsed as data by
 * bson's EJSON, never evaluated; only plain query operators are allowed. Empty text is `{}`.
 * @throws TAO_ERR_ADMIN_FILTER_INVALID (400) for bad JSON, a non-object, or a refused operator.
 */
export function parseFilter (text: string): Record<string, unknown> {
  const trimmed = text.trim()
  if (trimmed === '') return {}
  if (trimmed.length > MAX_FILTER_LENGTH) throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [`it is longer than ${MAX_FILTER_LENGTH} characters`])
  let value: unknown
  try {
    value = EJSON.parse(trimmed, { relaxed: true })
  } catch (err) {
    throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', [`it is not Extended JSON (${(err as Error).message})`])
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || '_bsontype' in value) {
    throw taoError('TAO_ERR_ADMIN_FILTER_INVALID', ['it must be a JSON object such as {"title": "Hello"}'])
  }
  checkKeys(value, 0, 'filter')
  return value as Record<string, unknown>
}

// Canonical EJSON keeps every type; plain JSON numbers are easier to read. Int32 and
// non-integral doubles are written as plain numbers (and parsed back to the same types);
// integral doubles, longs and decimals keep their wrappers so a round trip changes nothing.
// Relaxed EJSON writes dates from 1970 to 9999 as ISO strings; so does the editor.
const MAX_ISO_DATE = 253_402_300_799_999

function simplify (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(simplify)
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value)
  if (entries.length === 1) {
    const [key, v] = entries[0]!
    if (key === '$numberInt' && typeof v === 'string') return Number(v)
    if (key === '$date' && typeof v === 'object' && v !== null && '$numberLong' in v) {
      const ms = Number((v as { $numberLong: string }).$numberLong)
      if (ms >= 0 && ms <= MAX_ISO_DATE) return { $date: new Date(ms).toISOString() }
      return value
    }
    if (key === '$numberDouble' && typeof v === 'string') {
      const n = Number(v)
      if (Number.isFinite(n) && !Number.isInteger(n)) return n
      return value
    }
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of entries) out[k] = simplify(v)
  return out
}

/**
 * A document as readable Extended JSON for the raw editor. Read the document with
 * `promoteValues: false` so Int32, Double and Long stay distinct and come back unchanged.
 */
export function toEditableJson (doc: unknown): string {
  return JSON.stringify(simplify(EJSON.serialize(doc, { relaxed: false })), null, 2)
}

/**
 * Parses the raw editor's text back into a document with BSON types: plain integers become
 * Int32, other plain numbers Double; `$oid`, `$date`, `$numberDecimal`, `$numberLong`,
 * `$numberDouble` ... become their types.
 * @throws TAO_ERR_ADMIN_DOCUMENT_INVALID (400) when the text is not an Extended JSON object.
 */
export function parseEditedJson (text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = EJSON.parse(text, { relaxed: false })
  } catch (err) {
    throw taoError('TAO_ERR_ADMIN_DOCUMENT_INVALID', [`it is not Extended JSON (${(err as Error).message})`])
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || '_bsontype' in value) {
    throw taoError('TAO_ERR_ADMIN_DOCUMENT_INVALID', ['it must be a JSON object, the whole document'])
  }
  return value as Record<string, unknown>
}

/** One value as relaxed Extended JSON text, for list cells and the audit log. */
export function ejsonText (value: unknown): string {
  if (value === undefined) return ''
  return EJSON.stringify(value, { relaxed: true })
}
