/**
 * A small validator for settings: each leaf checks and normalizes one value and reports a
 * problem with its key path and the expected type. Problems are collected, not thrown, so one
 * TAO_ERR_SETTINGS_INVALID can list them all.
 */
export type Check<T = unknown> = (value: unknown, path: string, problems: string[]) => T

const show = (v: unknown): string => {
  if (typeof v === 'string') return `'${v}'`
  if (typeof v === 'function') return 'a function'
  if (Array.isArray(v)) return 'an array'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'an object'
  return String(v)
}

/** Records a problem and returns the fallback. */
export function problem<T> (problems: string[], path: string, expected: string, got: unknown, fallback: T): T {
  problems.push(`${path}: expected ${expected}, got ${show(got)}`)
  return fallback
}

export const bool = (def: boolean): Check<boolean> => (v, path, problems) => {
  if (v === undefined) return def
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0' || v === '') return false
  return problem(problems, path, 'a boolean', v, def)
}

export const str = <D extends string | undefined>(def: D, test?: (s: string) => string | null): Check<string | D> =>
  (v, path, problems) => {
    if (v === undefined) return def
    if (typeof v !== 'string') return problem(problems, path, 'a string', v, def)
    const reason = test?.(v)
    if (reason) return problem(problems, path, reason, v, def)
    return v
  }

export const int = <D extends number | undefined>(def: D, min = 0, max = Number.MAX_SAFE_INTEGER): Check<number | D> =>
  (v, path, problems) => {
    if (v === undefined) return def
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      return problem(problems, path, `a whole number from ${min} to ${max}`, v, def)
    }
    return n
  }

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds, from a number of ms or a string such as '500ms', '30s', '2h'. */
export const duration = (def: number): Check<number> => (v, path, problems) => {
  if (v === undefined) return def
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim())
    if (m) return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!)
  }
  return problem(problems, path, "a duration (milliseconds, or a string such as '30s' or '2h')", v, def)
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** Bytes, from a number or a string such as '10mb'. */
export const size = (def: number): Check<number> => (v, path, problems) => {
  if (v === undefined) return def
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v.trim())
    if (m) return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!)
  }
  return problem(problems, path, "a size (bytes, or a string such as '512kb' or '10mb')", v, def)
}

export const oneOf = <T extends string>(values: readonly T[], def: T): Check<T> => (v, path, problems) => {
  if (v === undefined) return def
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T
  return problem(problems, path, `one of ${values.map((x) => `'${x}'`).join(', ')}`, v, def)
}

export const listOf = <T>(item: Check<T>, def: T[] = [], fromString = false): Check<T[]> => (v, path, problems) => {
  if (v === undefined) return def
  if (fromString && typeof v === 'string') v = v.split(',').map((s) => s.trim()).filter(Boolean)
  if (!Array.isArray(v)) return problem(problems, path, 'an array', v, def)
  return v.map((x, i) => item(x, `${path}[${i}]`, problems))
}

export const mapOf = <T>(item: Check<T>): Check<Record<string, T>> => (v, path, problems) => {
  if (v === undefined) return {}
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return problem(problems, path, 'an object', v, {})
  const out: Record<string, T> = {}
  for (const [k, x] of Object.entries(v)) out[k] = item(x, `${path}.${k}`, problems)
  return out
}

export const fn: Check<(...args: never[]) => unknown> = (v, path, problems) => {
  if (typeof v === 'function') return v as (...args: never[]) => unknown
  return problem(problems, path, 'a function', v, () => undefined)
}

export const anyValue: Check<unknown> = (v) => v

/** Accepts the first alternative that reports no problem. */
export const either = <A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> => (v, path, problems) => {
  for (const check of [a, b]) {
    const local: string[] = []
    const out = check(v, path, local)
    if (local.length === 0) return out
  }
  return problem(problems, path, expected, v, a(undefined, path, []))
}

/** An object with known keys; an unknown key is a problem (with a suggestion). */
export const shape = <S extends Record<string, Check>>(spec: S): Check<{ [K in keyof S]: ReturnType<S[K]> }> =>
  (v, path, problems) => {
    const input = v === undefined ? {} : v
    const out: Record<string, unknown> = {}
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      problem(problems, path || 'settings', 'an object', v, undefined)
    } else {
      for (const key of Object.keys(input)) {
        if (!(key in spec)) {
          const known = Object.keys(spec).join(', ')
          problems.push(`${path ? `${path}.` : ''}${key}: unknown key (known keys${path ? ` of ${path}` : ''}: ${known})`)
        }
      }
    }
    const source = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
    for (const [key, check] of Object.entries(spec)) {
      out[key] = check(source[key], path ? `${path}.${key}` : key, problems)
    }
    return out as { [K in keyof S]: ReturnType<S[K]> }
  }
