import { COMMON_PASSWORDS } from './common-passwords.js'

/** What a password is checked against: the user it is for, when known. */
export interface PasswordContext {
  username?: string | undefined
  email?: string | undefined
  minLength: number
}

/** One password rule: returns the problem in words, or null. */
export type PasswordValidator = (password: string, ctx: PasswordContext) => string | null

/** The longest substring two strings share (short strings only: a password and a name). */
function longestCommon (a: string, b: string): number {
  let best = 0
  const prev = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    let diag = 0
    for (let j = 1; j <= b.length; j++) {
      const keep = prev[j]!
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : 0
      if (prev[j]! > best) best = prev[j]!
      diag = keep
    }
  }
  return best
}

/**
 * True when the password and `value` (or one of its parts split at non-word characters, as
 * Django does) are alike: their longest common run covers 70% of the two lengths together.
 */
function tooSimilar (password: string, value: string): boolean {
  const p = password.toLowerCase().slice(0, 256)
  const whole = value.toLowerCase().slice(0, 256)
  return [whole, ...whole.split(/\W+/)].some((v) => v.length >= 3 && (2 * longestCommon(p, v)) / (p.length + v.length) >= 0.7)
}

/** tao's password rules, in the order their messages are shown (Django's four validators). */
export const PASSWORD_VALIDATORS: readonly PasswordValidator[] = Object.freeze([
  (pw, ctx) => (pw.length < ctx.minLength ? `This password is too short: it must contain at least ${ctx.minLength} characters.` : null),
  (pw) => (/^\d+$/.test(pw) ? 'This password is entirely numeric: add letters or symbols.' : null),
  (pw, ctx) => {
    const close = [['username', ctx.username], ['email address', ctx.email]].find(([, v]) => typeof v === 'string' && tooSimilar(pw, v))
    return close ? `This password is too similar to the ${close[0]}.` : null
  },
  (pw) => (COMMON_PASSWORDS.has(pw.toLowerCase().trim()) ? 'This password is too common: choose one that is harder to guess.' : null),
])

/** Every problem of `password` (an empty list when it is acceptable). */
export function passwordProblems (password: string, ctx: PasswordContext): string[] {
  if (typeof password !== 'string' || password === '') return ['A password is required.']
  return PASSWORD_VALIDATORS.map((v) => v(password, ctx)).filter((m): m is string => m !== null)
}
