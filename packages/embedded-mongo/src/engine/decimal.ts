import { Decimal128, Long } from 'bson'
import { CommandError } from './command-error.js'

/**
 * Decimal128 and Int64 arithmetic as MongoDB does it, on BigInt: IEEE 754 decimal with 34
 * significant digits and round-half-even, exponents kept as the standard says (2.50 + 1 is
 * 3.50); Int64 exact, turning into a double on overflow. Doubles enter decimal arithmetic
 * rounded to 15 significant digits, as MongoDB converts them.
 */

const DIGITS = 34
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** A finite decimal: (-1)^neg × c × 10^e, or a special value. */
type Dec = { neg: boolean, c: bigint, e: number } | 'NaN' | 'Infinity' | '-Infinity'

function bsonType (v: unknown): string | undefined {
  return typeof v === 'object' && v !== null ? (v as { _bsontype?: string })._bsontype : undefined
}

export const isDecimal = (v: unknown): v is Decimal128 => bsonType(v) === 'Decimal128'
export const isLong = (v: unknown): v is Long => bsonType(v) === 'Long'

function parse (text: string): Dec {
  if (/^-?NaN$/.test(text)) return 'NaN'
  if (/^[+]?Inf(inity)?$/i.test(text)) return 'Infinity'
  if (/^-Inf(inity)?$/i.test(text)) return '-Infinity'
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())
  if (m === null) throw new CommandError('ConversionFailure', `Failed to parse number '${text}' in $convert with no onError value: Failed to parse string to decimal`)
  const [, sign = '', int = '', frac = '', exp = '0'] = m
  return { neg: sign === '-', c: BigInt((int + frac) || '0'), e: Number(exp) - frac.length }
}

/** A numeric value as a decimal; doubles with 15 significant digits, as MongoDB converts them. */
export function toDec (v: unknown): Dec {
  if (isDecimal(v)) return parse(v.toString())
  if (isLong(v)) return parse(v.toString())
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN'
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
    return parse(Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : v.toPrecision(15))
  }
  if (typeof v === 'boolean') return parse(v ? '1' : '0')
  if (typeof v === 'string') return parse(v)
  if (v instanceof Date) return parse(String(v.getTime()))
  throw new CommandError('TypeMismatch', `can't convert a value of type ${typeof v} to a decimal`)
}

const digits = (c: bigint): number => c === 0n ? 1 : c.toString().length

// Rounds to 34 digits, half to even; `sticky` says non-zero digits were already dropped below.
function round (neg: boolean, c: bigint, e: number, sticky = false): Dec {
  const excess = digits(c) - DIGITS
  if (excess <= 0) return { neg, c, e }
  const unit = 10n ** BigInt(excess)
  let q = c / unit
  const r = c % unit
  const half = unit / 2n
  if (r > half || (r === half && (sticky || q % 2n === 1n))) q += 1n
  return round(neg, q, e + excess)
}

/** The Decimal128 of a decimal. */
export function fromDec (d: Dec): Decimal128 {
  if (typeof d === 'string') return Decimal128.fromString(d)
  return Decimal128.fromString(`${d.neg ? '-' : ''}${d.c.toString()}E${d.e}`)
}

function special (a: Dec, b: Dec, op: string): Dec | undefined {
  if (a === 'NaN' || b === 'NaN') return 'NaN'
  if (typeof a !== 'string' && typeof b !== 'string') return undefined
  const val = (x: Dec): number => typeof x === 'string' ? Number(x) : (x.neg ? -1 : 1) * Number(x.c) * 10 ** x.e
  const r = op === '+' ? val(a) + val(b) : op === '-' ? val(a) - val(b) : op === '*' ? val(a) * val(b) : val(a) / val(b)
  return Number.isNaN(r) ? 'NaN' : r === Infinity ? 'Infinity' : r === -Infinity ? '-Infinity' : { neg: r < 0, c: 0n, e: 0 }
}

function signed (d: { neg: boolean, c: bigint }): bigint {
  return d.neg ? -d.c : d.c
}

/** a op b in Decimal128 arithmetic. @throws CommandError on division by zero, as $divide does. */
export function decimalOp (op: '+' | '-' | '*' | '/', x: unknown, y: unknown): Decimal128 {
  const a = toDec(x)
  const b = toDec(y)
  if (op === '/' && typeof b !== 'string' && b.c === 0n) throw CommandError.location(16608, 'can\'t $divide by zero')
  const s = special(a, b, op)
  if (s !== undefined || typeof a === 'string' || typeof b === 'string') return fromDec(s as Dec)
  if (op === '*') return fromDec(round(a.neg !== b.neg, a.c * b.c, a.e + b.e))
  if (op === '/') {
    // Enough digits for 34 significant ones plus a rounding digit; the remainder is sticky.
    const shift = Math.max(0, DIGITS + 1 + digits(b.c) - digits(a.c))
    const n = a.c * 10n ** BigInt(shift)
    let q = n / b.c
    let e = a.e - b.e - shift
    const exact = n % b.c === 0n
    // An exact quotient keeps the exponent closest to the preferred one (a.e - b.e).
    if (exact) while (q !== 0n && q % 10n === 0n && e < a.e - b.e) { q /= 10n; e++ }
    return fromDec(round(a.neg !== b.neg, q, e, !exact))
  }
  const e = Math.min(a.e, b.e)
  const sum = signed(a) * 10n ** BigInt(a.e - e) + (op === '+' ? 1n : -1n) * signed(b) * 10n ** BigInt(b.e - e)
  return fromDec(round(sum < 0n, sum < 0n ? -sum : sum, e))
}

/** a op b for integers where one is an Int64: exact, or a double past Int64's range, as MongoDB. */
export function longOp (op: '+' | '-' | '*', x: unknown, y: unknown): Long | number {
  const a = BigInt(String(x))
  const b = BigInt(String(y))
  const r = op === '+' ? a + b : op === '-' ? a - b : a * b
  if (r < INT64_MIN || r > INT64_MAX) return Number(r)
  return Long.fromBigInt(r)
}
