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
 * The `_id` a URL segment made by {@link encodeDocId} stands for.
 * @throws TAO_ERR_ADMIN_NOT_FOUND (404) for a segment no encoding produces (a tampered id).
 */
export function decodeDocId (segment: string, what: string): unknown {
  if (HEX24.test(segment)) return new ObjectId(segment)
  if (PLAIN.test(segment)) return segment
  if (segment.startsWith('~') && segment.length <= MAX_ENCODED) {
    try {
      const parsed = EJSON.parse(Buffer.from(segment.slice(1), 'base64url').toString('utf8'), { relaxed: false }) as { id?: unknown }
      if (typeof parsed === 'object' && parsed !== null && 'id' in parsed && parsed.id !== undefined) return parsed.id
    } catch {}
  }
  throw taoError('TAO_ERR_ADMIN_NOT_FOUND', [what, segment.slice(0, 80)])
}
