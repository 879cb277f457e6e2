/**
 * Redis URLs: the settings check, the connection options they mean, and the part of them a
 * message may show (never the password).
 */

/** Where to connect: a TCP address (TLS for rediss://) or a unix socket, with credentials and database. */
export interface RedisTarget {
  host?: string
  port?: number
  path?: string
  username?: string
  password?: string
  db?: number
  tls?: Record<string, never>
}

const EXPECTED = "a Redis URL such as 'redis://127.0.0.1:6379', 'rediss://user:password@host:6380/0' or 'unix:///run/redis/redis.sock'"

/**
 * Parses a Redis URL into connection options.
 * @returns null for anything that is not a usable redis://, rediss:// or unix:// URL.
 */
export function parseRedisUrl (url: string): RedisTarget | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  const auth: RedisTarget = {}
  if (u.username !== '') auth.username = decodeURIComponent(u.username)
  if (u.password !== '') auth.password = decodeURIComponent(u.password)
  if (u.protocol === 'unix:') {
    if (u.host !== '' || u.pathname === '' || u.pathname === '/') return null
    return { ...auth, path: decodeURIComponent(u.pathname) }
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return null
  if (u.hostname === '') return null
  const db = u.pathname === '' || u.pathname === '/' ? undefined : Number(u.pathname.slice(1))
  if (db !== undefined && !(Number.isInteger(db) && db >= 0 && db < 65_536)) return null
  const target: RedisTarget = { ...auth, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? 6379 : Number(u.port) }
  if (db !== undefined) target.db = db
  if (u.protocol === 'rediss:') target.tls = {}
  return target
}

/** The settings check of a Redis URL: null when usable, else what was expected. */
export function redisUrlProblem (url: string): string | null {
  return parseRedisUrl(url) === null ? EXPECTED : null
}

/** Where a Redis URL points, for messages and logs: 'host:port' or the socket path, no credentials. */
export function describeRedis (url: string): string {
  const t = parseRedisUrl(url)
  if (t === null) return '(an invalid Redis URL)'
  return t.path ?? `${t.host!.includes(':') ? `[${t.host!}]` : t.host!}:${t.port!}`
}
