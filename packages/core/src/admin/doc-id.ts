import { BSON, ObjectId } from 'mongodb'
import { taoError } from '../errors/index.js'

const { EJSON } = BSON
const HEX24 = /^[0-9a-f]{24}$/
const PLAIN = /^[A-Za-z0-9_.-]{1,200}$/
const MAX_ENCODED = 2048

/**
 * A document's `_id` as one URL path segment: an ObjectId as its 24 hex digits, a plain
 * string id as itself, anything else (numbers, other strings, compound ids) as `~` followed by
 * its canonical Extended JSON in base64url. {@link decodeDocId} reverses it exactly.
 */
export function encodeDocId (id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString()
  if (typeof id === 'string' && PLAIN.test(id) && !HEX24.test(id)) return id
  return '~' + Buffer.from(EJSON.stringify({ id }, { relaxed: false })).toString('base64url')
}

/**
 * True for values an `_id` can hold that match only themselves in a query: not arrays, regular
 * expressions, or documents with `$` keys (`{ $ne: 1 }` would match every document).
 */
function isLiteralId (value: unknown, depth = 0): boolean {
  if (value === undefined || Array.isArray(value) || value instanceof RegExp || depth > 8) return false
  if (typeof value !== 'object' || value === null || value instanceof Date || '_bsontype' in value) {
    return (value as { _bsontype?: string } | null)?._bsontype !== 'BSONRegExp'
  }
  return Object.entries(value).every(([k, v]) => !k.startsWith('$') && isLiteralId(v, depth + 1))
}

/**
 * The `_id` a URL segment made by {@link encodeDocId} stands for.
 * @throws TAO_ERR_ADMIN_NOT_FOUND (404) for a segment no encoding produces (a tampered id).
 */
export function decodeDocId (segment: string, what: string): unknown {
  if (HEX24.test(segment)) return new ObjectId(segment)
  if (PLAIN.test(segment)) return segment
  if (segment.startsWith('~') && segment.length <= MAX_ENCODED) {
    try {
      const parsed = EJSON.parse(Buffer.from(segment.slice(1), 'base64url').toString('utf8'), { relaxed: false }) as { id?: unknown }
      if (typeof parsed === 'object' && parsed !== null && 'id' in parsed && isLiteralId(parsed.id)) return parsed.id
    } catch {}
  }
  throw taoError('TAO_ERR_ADMIN_NOT_FOUND', [what, segment.slice(0, 80)])
}
