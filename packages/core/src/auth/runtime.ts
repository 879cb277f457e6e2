import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { Db } from 'mongodb'
import { developmentDefaults } from '../security/development.js'
import { resolveSessionKeys } from '../session/keys.js'
import type { Settings } from '../settings/index.js'
import { hashPassword, type ScryptParams } from './hashers.js'
import { mongoAttemptStore, type AttemptStore } from './throttle.js'

/** The auth section of the settings, normalized. */
export type AuthSettings = Settings['auth']

/**
 * What the auth concern computes once at boot, per tao app: its settings, the keys of its
 * HMACs (derived from settings.secretKey, never the session keys themselves), a hash of a
 * random password with the current parameters (checked against when a username is unknown,
 * so that costs the same time) and the URLs it redirects to.
 */
export class AuthRuntime {
  readonly settings: AuthSettings
  readonly scrypt: ScryptParams
  /** Session lifetime in ms: a login record lives this long after its last renewal. */
  readonly loginMaxAge: number
  /** Name of the session cookie: without one, a request is anonymous at no cost. */
  readonly cookieName: string
  readonly #keys: readonly Buffer[]
  #dummyHash: Promise<string> | null = null
  loginUrl = '/accounts/login/'
  /** Encrypts session data into a cookie value (set by tao:auth from the session's codec). */
  encodeSession: (data: Record<string, unknown>) => string = () => ''

  /** Failed-login counters, shared by every worker (in the database). */
  attempts: AttemptStore

  constructor (settings: Settings, db: () => Db) {
    this.attempts = mongoAttemptStore(db)
    this.settings = settings.auth
    this.scrypt = Object.freeze({ ...settings.auth.scrypt })
    this.loginMaxAge = settings.session.maxAge
    this.cookieName = settings.session.cookieName
    // Same keys as the session (a random one in development when none is set): the first
    // signs, every one verifies, so rotating settings.secretKey keeps reset links working.
    const { keys } = resolveSessionKeys(settings.secretKey, developmentDefaults(settings))
    this.#keys = keys.map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'tao auth', 32)))
  }

  /** A hash with the current parameters, compared with when the user does not exist. */
  dummyHash (): Promise<string> {
    this.#dummyHash ??= hashPassword(`unknown user ${Date.now()}`, this.scrypt)
    return this.#dummyHash
  }

  /** HMAC-SHA256 of `parts` with the first key, base64url. */
  sign (...parts: string[]): string {
    return this.#mac(this.#keys[0]!, parts)
  }

  /** True when `mac` is the HMAC of `parts` under one of the keys (constant time). */
  verify (mac: string, ...parts: string[]): boolean {
    const given = Buffer.from(mac, 'base64url')
    return this.#keys.some((k) => {
      const expected = Buffer.from(this.#mac(k, parts), 'base64url')
      return expected.length === given.length && timingSafeEqual(expected, given)
    })
  }

  #mac (key: Buffer, parts: string[]): string {
    const h = createHmac('sha256', key)
    for (const p of parts) h.update(`${p.length}:${p};`)
    return h.digest('base64url')
  }
}
