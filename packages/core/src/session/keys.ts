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

/**
 * Resolves settings.secretKey (already split from a comma-separated TAO_SECRET_KEY) into the
 * session keys, once at boot. With no key: a random one when `development` is true (sessions
 * then last as long as the process), a refusal to start otherwise.
 * @throws TAO_ERR_SESSION_KEY_MISSING, TAO_ERR_SESSION_KEY_INVALID
 */
export function resolveSessionKeys (secretKey: string | readonly string[] | undefined, development: boolean): SessionKeys {
  const list = secretKey === undefined ? [] : typeof secretKey === 'string' ? [secretKey] : secretKey
  if (list.length === 0 || (list.length === 1 && list[0]!.trim() === '')) {
    if (!development) throw taoError('TAO_ERR_SESSION_KEY_MISSING', [])
    return Object.freeze({ keys: Object.freeze([randomBytes(KEY_BYTES)]), ephemeral: true })
  }
  const name = (i: number) => (typeof secretKey === 'string' ? 'settings.secretKey (or TAO_SECRET_KEY)' : `settings.secretKey[${i}] (or TAO_SECRET_KEY)`)
  return Object.freeze({ keys: Object.freeze(list.map((k, i) => decodeKey(k, name(i)))), ephemeral: false })
}
