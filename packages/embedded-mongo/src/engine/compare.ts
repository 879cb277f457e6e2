import type { Decimal128, Document } from 'bson'

/** Compares two strings; a collation's, or code-point order (MongoDB's simple collation). */
export type StringCompare = (a: string, b: string) => number

const simpleStrings: StringCompare = (a, b) => a < b ? -1 : a > b ? 1 : 0

function bsonType (v: object): string | undefined {
  return (v as { _bsontype?: string })._bsontype
}

/**
 * The rank of a value's type in MongoDB's BSON comparison order: MinKey, null (and missing),
 * numbers of every width together, strings, objects, arrays, binary, ObjectId, booleans,
 * dates, timestamps, regular expressions, MaxKey.
 */
export function typeRank (v: unknown): number {
  if (v === undefined || v === null) return 1
  switch (typeof v) {
    case 'number': case 'bigint': return 2
    case 'string': return 3
    case 'boolean': return 8
    case 'object': break
    default: return 3
  }
  if (Array.isArray(v)) return 5
  if (v instanceof Date) return 9
  if (v instanceof RegExp) return 11
  switch (bsonType(v)) {
    case 'MinKey': return 0
    case 'Long': case 'Int32': case 'Double': case 'Decimal128': return 2
    case 'BSONSymbol': return 3
    case 'Binary': return 6
    case 'ObjectId': return 7
    case 'Timestamp': return 10
    case 'BSONRegExp': return 11
    case 'Code': return 12
    case 'MaxKey': return 13
    default: return 4
  }
}

// An exact decimal: value = coefficient × 10^exponent. NaN and infinities stay numbers.
interface Exact { c: bigint, e: number }

function exactOf (text: string): Exact | number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (m === null) return Number(text)
  const [, sign = '', int = '', frac = '', exp = '0'] = m
  const c = BigInt(sign + (int + frac || '0'))
  return { c, e: Number(exp) - frac.length }
}

function compareExact (a: Exact, b: Exact): number {
  // Bring both to the smaller exponent, then compare coefficients.
  const e = Math.min(a.e, b.e)
  const x = a.c * 10n ** BigInt(a.e - e)
  const y = b.c * 10n ** BigInt(b.e - e)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * The key of a Decimal128 in valueKey's number space: `n` + the double's text when the
 * decimal equals that double exactly (so 5, 5.0 and Decimal128('5.00') share a key), else
 * `m` + its exact value.
 */
export function decimalKey (v: Decimal128): string {
  const exact = exactNumber(v)
  if (typeof exact === 'number') return 'n' + String(exact)
  const asDouble = Number(v.toString())
  const back = Number.isFinite(asDouble) ? exactOf(String(asDouble)) : asDouble
  if (typeof back !== 'number' && compareExact(back, exact) === 0) return 'n' + String(asDouble)
  let { c, e } = exact
  while (c !== 0n && c % 10n === 0n) { c /= 10n; e++ }
  return 'm' + c.toString() + 'e' + String(e)
}

/** A number of any BSON width as a JavaScript number (lossy for large Int64 and Decimal128). */
export function approxNumber (v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return Number(String(v))
}

function exactNumber (v: unknown): Exact | number {
  if (typeof v === 'number') return Number.isFinite(v) ? exactOf(String(v)) : v
  if (typeof v === 'bigint') return { c: v, e: 0 }
  if (bsonType(v as object) === 'Decimal128') {
    const text = (v as Decimal128).toString()
    if (text === 'NaN' || text === '-NaN') return NaN
    if (/Infinity/.test(text)) return text.startsWith('-') ? -Infinity : Infinity
    return exactOf(text)
  }
  if (bsonType(v as object) === 'Long') return { c: BigInt(String(v)), e: 0 }
  return exactNumber(Number(v))
}

/** Compares numbers by value across int32, Int64, double and Decimal128; NaN sorts below every number. */
export function compareNumbers (a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return a < b ? -1 : a > b ? 1 : 0
  const x = exactNumber(a)
  const y = exactNumber(b)
  if (typeof x === 'number' || typeof y === 'number') {
    const p = typeof x === 'number' ? x : approxNumber(a)
    const q = typeof y === 'number' ? y : approxNumber(b)
    if (Number.isNaN(p) || Number.isNaN(q)) return Number.isNaN(p) ? (Number.isNaN(q) ? 0 : -1) : 1
    return p < q ? -1 : p > q ? 1 : 0
  }
  return compareExact(x, y)
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return Buffer.compare(a, b)
}

function compareDocuments (a: Document, b: Document, strings: StringCompare): number {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const fa = ka[i] as string
    const fb = kb[i] as string
    const byType = typeRank(a[fa]) - typeRank(b[fb])
    if (byType !== 0) return byType < 0 ? -1 : 1
    const byName = simpleStrings(fa, fb)
    if (byName !== 0) return byName
    const byValue = compareValues(a[fa], b[fb], strings)
    if (byValue !== 0) return byValue
  }
  return ka.length - kb.length < 0 ? -1 : ka.length === kb.length ? 0 : 1
}

/**
 * MongoDB's total order of BSON values: by type rank first, then by value within the type.
 * Strings use `strings` (a collation), also inside embedded documents and arrays.
 */
export function compareValues (a: unknown, b: unknown, strings: StringCompare = simpleStrings): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  switch (ra) {
    case 1: case 0: case 13: return 0
    case 2: return compareNumbers(a, b)
    case 3: return strings(String(a), String(b))
    case 4: return compareDocuments(a as Document, b as Document, strings)
    case 5: {
      const x = a as unknown[]
      const y = b as unknown[]
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i], strings)
        if (c !== 0) return c
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
    }
    case 6: {
      const x = a as { sub_type: number, buffer: Uint8Array }
      const y = b as { sub_type: number, buffer: Uint8Array }
      if (x.buffer.length !== y.buffer.length) return x.buffer.length < y.buffer.length ? -1 : 1
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1
      return compareBytes(x.buffer, y.buffer)
    }
    // ObjectIds by their 12 bytes, as their hex text orders them, without making the text.
    case 7: return compareBytes((a as { id: Uint8Array }).id, (b as { id: Uint8Array }).id)
    case 8: return a === b ? 0 : a === false ? -1 : 1
    case 9: return Math.sign((a as Date).getTime() - (b as Date).getTime())
    case 10: return (a as { compare: (o: unknown) => number }).compare(b)
    default: return simpleStrings(String(a), String(b))
  }
}
