import { taoError } from '../errors/index.js'
import { addField, isForbiddenFieldName } from './field-names.js'

/** Limits of a form body. */
export interface FieldLimits {
  maxFields: number
  maxFieldSize: number
}

function decode (text: string): string {
  const plus = text.includes('+') ? text.replace(/\+/g, ' ') : text
  if (!plus.includes('%')) return plus
  try {
    return decodeURIComponent(plus)
  } catch {
    throw taoError('TAO_ERR_FORM_MALFORMED', ['a form field has a broken percent-encoding (such as %ZZ)'])
  }
}

/**
 * Builds the parser of application/x-www-form-urlencoded bodies (used by @fastify/formbody):
 * a plain object of strings, arrays for repeated names.
 * @throws TAO_ERR_FORM_TOO_MANY_FIELDS (400), TAO_ERR_FORM_FIELD_TOO_LARGE (413),
 *   TAO_ERR_FORM_FIELD_NAME (400), TAO_ERR_FORM_MALFORMED (400)
 */
export function buildUrlencodedParser (limits: FieldLimits): (text: string) => Record<string, string | string[]> {
  const { maxFields, maxFieldSize } = limits
  return function parseUrlencoded (text) {
    const body: Record<string, string | string[]> = {}
    let count = 0
    let start = 0
    while (start <= text.length) {
      let end = text.indexOf('&', start)
      if (end === -1) end = text.length
      if (end > start) {
        // Count before decoding, so a flood of fields costs little.
        if (++count > maxFields) throw taoError('TAO_ERR_FORM_TOO_MANY_FIELDS', [maxFields])
        const pair = text.slice(start, end)
        const eq = pair.indexOf('=')
        const name = decode(eq === -1 ? pair : pair.slice(0, eq))
        const value = eq === -1 ? '' : decode(pair.slice(eq + 1))
        if (isForbiddenFieldName(name)) throw taoError('TAO_ERR_FORM_FIELD_NAME', [name.slice(0, 100)])
        if (value.length * 3 > maxFieldSize && Buffer.byteLength(value) > maxFieldSize) throw taoError('TAO_ERR_FORM_FIELD_TOO_LARGE', [name.slice(0, 100), maxFieldSize])
        addField(body, name, value)
      }
      start = end + 1
    }
    return body
  }
}
