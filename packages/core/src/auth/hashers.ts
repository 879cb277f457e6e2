import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** scrypt parameters of a password hash (N, r, p). */
export interface ScryptParams {
  readonly cost: number
  readonly blockSize: number
  readonly parallelism: number
}

const ALGORITHM = 'scrypt'
const KEY_BYTES = 32
const SALT_BYTES = 16

function scrypt (password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  // Node refuses parameters needing more than maxmem (32 MiB by default): allow what they need.
  const options: ScryptOptions = { N: p.cost, r: p.blockSize, p: p.parallelism, maxmem: 256 * p.cost * p.blockSize + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

interface Parsed {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

/** Parses `scrypt$N$r$p$salt$hash`; null when the string is not one (an unusable password). */
function parse (encoded: string): Parsed | null {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== ALGORITHM) return null
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![cost, blockSize, parallelism].every((n) => Number.isSafeInteger(n) && n > 0) || (cost & (cost - 1)) !== 0) return null
  const salt = Buffer.from(parts[4]!, 'base64')
  const hash = Buffer.from(parts[5]!, 'base64')
  if (salt.length === 0 || hash.length !== KEY_BYTES) return null
  return { params: { cost, blockSize, parallelism }, salt, hash }
}

/**
 * Hashes a password with scrypt (memory-hard, from node:crypto, run on libuv's thread pool so
 * the event loop stays free) into a self-describing string `scrypt$N$r$p$salt$hash`: the
 * parameters travel with the hash, so raising them later keeps old hashes verifiable.
 */
export async function hashPassword (password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await scrypt(password, salt, params)
  return [ALGORITHM, params.cost, params.blockSize, params.parallelism, salt.toString('base64'), hash.toString('base64')].join('$')
}

/**
 * True when `password` matches `encoded` (compared in constant time). A string that is not a
 * hash tao made (an unusable password) never matches, after the same work as a real check.
 */
export async function verifyPassword (password: string, encoded: string, fallback: ScryptParams): Promise<boolean> {
  const parsed = parse(encoded)
  const salt = parsed?.salt ?? randomBytes(SALT_BYTES)
  const key = await scrypt(password, salt, parsed?.params ?? fallback)
  return parsed !== null && timingSafeEqual(key, parsed.hash)
}

/** True when `encoded` was made with other parameters than `params`: rehash at the next login. */
export function needsRehash (encoded: string, params: ScryptParams): boolean {
  const parsed = parse(encoded)
  if (parsed === null) return false
  const p = parsed.params
  return p.cost !== params.cost || p.blockSize !== params.blockSize || p.parallelism !== params.parallelism
}

/** A value stored as the password of a user who cannot log in with one (Django's `!`). */
export function unusablePassword (): string {
  return `!${randomBytes(20).toString('base64url')}`
}

/** True when `encoded` is a password hash that can ever match. */
export function isUsablePassword (encoded: string | null | undefined): boolean {
  return typeof encoded === 'string' && parse(encoded) !== null
}
