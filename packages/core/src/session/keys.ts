import { randomBytes } from 'node:crypto'
import { taoError } from '../errors/index.js'

/** Bytes of a session key (libsodium's secretbox key). */
export const KEY_BYTES = 32

/** The decoded session keys: the first encrypts, every one decrypts. */
export interface SessionKeys {
  readonly keys: readonly Buffer[]
  /** True when no key was configured and a random one stands in (development only). */
  readonly ephemeral: boolean
}

const HEX = /^[0-9a-f]+$/i
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

/**
 * Decodes one key: 64 hex characters, or base64 (standard or URL-safe) of 32 bytes. The error
 * names the setting, never the key itself.
 * @throws TAO_ERR_SESSION_KEY_INVALID
 */
export function decodeKey (text: string, setting: string): Buffer {
  const key = text.trim()
  let bytes: Buffer | null = null
  let encoding = ''
  if (key === '') {
    throw taoError('TAO_ERR_SESSION_KEY_INVALID', [setting, 'it is empty'])
  } else if (HEX.test(key) && key.length % 2 === 0) {
    bytes = Buffer.from(key, 'hex')
    encoding = 'hex'
  } else if (BASE64.test(key) || BASE64URL.test(key)) {
    bytes = Buffer.from(key, BASE64.test(key) ? 'base64' : 'base64url')
    encoding = 'base64'
  }
  if (bytes === null) {
    throw taoError('TAO_ERR_SESSION_KEY_INVALID', [setting, `its ${key.length} characters are neither hex nor base64`])
  }
  if (bytes.length !== KEY_BYTES) {
    throw taoError('TAO_ERR_SESSION_KEY_INVALID', [setting, `its ${key.length} ${encoding} characters decode to ${bytes.length} bytes, not ${KEY_BYTES}`])
  }
  return bytes
}

// Keys seen in examples and tutorials: anyone may have them.
const KNOWN_KEYS = new Set([
  '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  'deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
])
// 32 random bytes show about 30 distinct values; fewer than 16 has odds below 1 in 10^15.
const MIN_DISTINCT_BYTES = 16

/**
 * Why 32 key bytes are not random enough to be a secret, or null: one byte repeated, a short
 * pattern repeated, a counting sequence, few distinct bytes, printable text (a password or
 * phrase base64-encoded: 32 random bytes are all printable with odds of 1 in 10^16), or a
 * key known from examples.
 */
export function lowEntropyReason (bytes: Buffer): string | null {
  if (KNOWN_KEYS.has(bytes.toString('hex'))) return 'it is a key published in examples'
  for (let period = 1; period <= bytes.length / 2; period++) {
    let repeats = true
    for (let i = period; i < bytes.length && repeats; i++) repeats = bytes[i] === bytes[i - period]
    if (repeats) return period === 1 ? 'it is one byte repeated' : `it repeats a pattern of ${period} bytes`
  }
  let step = true
  for (let i = 2; i < bytes.length && step; i++) step = ((bytes[i]! - bytes[i - 1]! + 256) % 256) === ((bytes[1]! - bytes[0]! + 256) % 256)
  if (step) return 'its bytes count up or down by a fixed step'
  const distinct = new Set(bytes).size
  if (distinct < MIN_DISTINCT_BYTES) return `it has only ${distinct} distinct byte values`
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e)) return 'it is printable text, not random bytes'
  return null
}

/**
 * Resolves settings.secretKey (already split from a comma-separated TAO_SECRET_KEY) into the
 * session keys, once at boot. With no key: a random one when `development` is true (sessions
 * then last as long as the process), a refusal to start otherwise. Outside development a
 * low-entropy key ({@link lowEntropyReason}) is refused too.
 * @throws TAO_ERR_SESSION_KEY_MISSING, TAO_ERR_SESSION_KEY_INVALID, TAO_ERR_SESSION_KEY_WEAK
 */
export function resolveSessionKeys (secretKey: string | readonly string[] | undefined, development: boolean): SessionKeys {
  const list = secretKey === undefined ? [] : typeof secretKey === 'string' ? [secretKey] : secretKey
  if (list.length === 0 || (list.length === 1 && list[0]!.trim() === '')) {
    if (!development) throw taoError('TAO_ERR_SESSION_KEY_MISSING', [])
    return Object.freeze({ keys: Object.freeze([randomBytes(KEY_BYTES)]), ephemeral: true })
  }
  const name = (i: number) => (typeof secretKey === 'string' ? 'settings.secretKey (or TAO_SECRET_KEY)' : `settings.secretKey[${i}] (or TAO_SECRET_KEY)`)
  const keys = list.map((k, i) => decodeKey(k, name(i)))
  if (!development) {
    keys.forEach((k, i) => {
      const reason = lowEntropyReason(k)
      if (reason !== null) throw taoError('TAO_ERR_SESSION_KEY_WEAK', [name(i), reason])
    })
  }
  return Object.freeze({ keys: Object.freeze(keys), ephemeral: false })
}
