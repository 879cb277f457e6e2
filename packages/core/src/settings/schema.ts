import { isIP } from 'node:net'
import { appNameProblem } from '../names/index.js'
import { redisUrlProblem } from '../redis/url.js'
import {
  anyValue, bool, duration, either, fn, int, listOf, mapOf, oneOf, problem, shape, size, str, type Check,
} from './validate.js'

const prefix = (s: string) => (s === '' || (s.startsWith('/') && !s.endsWith('/')) ? null : "a path prefix such as '/blog' (or '' for none)")
const appLabel = (s: string) => (appNameProblem(s) ? 'an app name (lowercase identifier)' : null)

/** A URL path for an endpoint of tao's own, or false to turn the endpoint off. */
const endpoint = (def: string): Check<string | false> => (v, path, problems) => {
  if (v === undefined) return def
  if (v === false || v === 'false') return false
  if (typeof v === 'string' && /^\/[^\s?#]*$/.test(v)) return v
  return problem(problems, path, "a path such as '/-/ready', or false to turn it off", v, def)
}

// Host patterns as Django's ALLOWED_HOSTS: a name, '.name' for it and its subdomains, an IPv4
// address, a bracketed IPv6 literal, or '*'. No scheme, port or path (a common slip).
const HOST_PATTERN = /^(\*|\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])$/i
const hostPattern = (s: string) => (HOST_PATTERN.test(s) && (!s.startsWith('[') || isIP(s.slice(1, -1)) === 6)
  ? null
  : "a host name such as 'example.com', '.example.com' (with subdomains), '127.0.0.1', '[::1]' or '*' (no scheme or port)")

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal', 'unix'])
const proxyEntry = (s: string) => {
  if (PROXY_NAMES.has(s)) return null
  const [addr = '', bits, ...rest] = s.split('/')
  const kind = isIP(addr)
  const max = kind === 6 ? 128 : 32
  if (kind !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max))) return null
  return "an IP address, a CIDR range such as '10.0.0.0/8', or one of 'loopback', 'linklocal', 'uniquelocal', 'unix'"
}

// A list reports each bad entry; anything else is true/false or a hop count. From the
// environment (TAO_TRUST_PROXY) a list is comma-separated: 'unix' or 'loopback,10.0.0.0/8'.
const trustProxy: Check<boolean | number | string[]> = (v, path, problems) => {
  const value = typeof v === 'string' && !/^(true|false|1|0|\d+)$/.test(v.trim()) ? v.split(',').map((s) => s.trim()).filter(Boolean) : v
  return Array.isArray(value)
    ? listOf(str('', proxyEntry))(value, path, problems)
    : either(bool(false), int(0, 0, 100), 'true/false, a hop count, or a list of trusted proxies')(value, path, problems)
}

// Who may see the debug toolbar (Django's INTERNAL_IPS): addresses or CIDR ranges.
const addressEntry = (s: string) => {
  const [addr = '', bits, ...rest] = s.split('/')
  const kind = isIP(addr)
  if (kind !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (kind === 6 ? 128 : 32)))) return null
  return "an IP address or a CIDR range such as '10.0.0.0/8' or 'fd00::/8'"
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const cookieName = (s: string) => (COOKIE_NAME.test(s) ? null : 'a cookie name (letters, digits and !#$%&\'*+-.^_`|~)')

/** A CSP directive's sources: a list, a space-separated string, or null to remove the directive. */
const cspSources: Check<string[] | null> = (v, path, problems) => {
  if (v === null) return null
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean)
  return listOf(str(''))(v, path, problems)
}

// A BCP 47 language tag the runtime's Intl knows ('en', 'fr', 'pt-BR', 'zh-Hant').
const languageTag = (s: string) => {
  try {
    return Intl.getCanonicalLocales(s).length === 1 && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(s) ? null : 'a language tag such as \'en\', \'fr\' or \'pt-BR\''
  } catch {
    return 'a language tag such as \'en\', \'fr\' or \'pt-BR\''
  }
}
const timeZoneName = (s: string) => {
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en', { timeZone: s })
    return null
  } catch {
    return "an IANA time zone such as 'UTC' or 'Europe/Paris'"
  }
}
// A CSRF trusted origin: scheme, host (or '*.' and a domain), optional port; no path.
const TRUSTED_ORIGIN = /^https?:\/\/(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i
const trustedOrigin = (s: string) => (TRUSTED_ORIGIN.test(s)
  ? null
  : "an origin such as 'https://app.example.com', 'https://*.example.com' or 'http://localhost:5173' (scheme, host, optional port; no path)")

const appEntry: Check = either(
  str(undefined),
  shape({ package: str(''), name: str(undefined, appLabel), prefix: str(undefined, prefix) }),
  "a package name or { package: '...', name?: '...', prefix?: '...' }"
)

// auth and mail (the built-in app `auth`, sendMail)
const powerOfTwo = (n: number) => (n & (n - 1)) === 0

/** A built-in app's section: false/undefined (off), true (on, defaults) or an object (on). */
const switchable = <T extends { enabled: boolean }>(spec: Check<T>): Check<T> => (v, path, problems) => {
  if (v === undefined || v === false || v === 'false') return spec({ enabled: false }, path, problems)
  if (v === true || v === 'true') return spec({}, path, problems)
  return spec(v, path, problems)
}

const scryptCost: Check<number> = (v, path, problems) => {
  const n = int(32_768, 1024, 1 << 22)(v, path, problems)
  return powerOfTwo(n) ? n : problem(problems, path, 'a power of two between 1024 and 4194304', v, 32_768)
}

const authSettings = switchable(shape({
  enabled: bool(true),
  prefix: str('/accounts', prefix),
  loginRedirect: str('/'),
  logoutRedirect: str('/'),
  passwordMinLength: int(8, 1, 4096),
  resetTimeout: duration(3 * 86_400_000),
  throttle: shape({
    limit: int(10, 0, 1_000_000),
    window: duration(15 * 60_000),
  }),
  scrypt: shape({
    cost: scryptCost,
    blockSize: int(8, 1, 64),
    parallelism: int(1, 1, 16),
  }),
}))

/**
 * The settings schema: every key, its default and how it is normalized. Each concern owns
 * one section. Defaults here are what a project gets when settings.ts is silent.
 */
export const settingsSchema = shape({
  debug: bool(false),
  debugToolbar: bool(true),
  debugToolbarAddresses: listOf(str('', addressEntry), ['127.0.0.1', '::1'], true),
  secretKey: either(str(undefined), listOf(str('')), 'a key string, or a list of them (the first encrypts)'),
  allowedHosts: listOf(str('', hostPattern), [], true),
  apps: listOf(appEntry),
  prefixes: mapOf(str('', prefix)),
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  logFormat: oneOf(['auto', 'pretty', 'json'] as const, 'auto'),
  server: shape({
    host: str('127.0.0.1'),
    port: int(8080, 0, 65535),
    socket: str(undefined),
    socketMode: int(undefined, 0, 0o777),
    trustProxy,
    requestTimeout: duration(30_000),
    headersTimeout: duration(20_000),
    keepAliveTimeout: duration(75_000),
    connectionTimeout: duration(60_000),
    shutdownTimeout: duration(10_000),
    bodyLimit: size(1024 * 1024),
    // Unset: one process. A number or 'auto': a primary forking that many workers.
    workers: either(int(undefined, 1, 256), oneOf(['auto'] as const, 'auto'), "a number of workers or 'auto'"),
    health: shape({
      live: endpoint('/-/live'),
      ready: endpoint('/-/ready'),
    }),
    // Faults (issue #12): handler deadline, crash policy, worker recycling.
    handlerTimeout: duration(30_000),
    unhandledRejection: oneOf(['exit', 'log'] as const, 'exit'),
    workerMaxMemory: size(0),
    // Whether a crash's log line names the route that started the failing code (issue #12).
    crashContext: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
    // Logging (issue #19): a request slower than this is logged as a warning.
    slowRequestTime: duration(1_000),
  }),
  services: shape({
    enabled: bool(true),
    stopTimeout: duration(5_000),
    leaseTtl: duration(5_000),
  }),
  database: shape({
    url: str(undefined),
    name: str('tao'),
    maxPoolSize: int(20, 1, 1000),
    serverSelectionTimeoutMS: duration(5_000),
    requireOnStart: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
    // Deadlines on every database wait (issue #12); mongodb 7.x ignores timeoutMS.
    connectTimeoutMS: duration(2_000),
    socketTimeoutMS: duration(0),
    waitQueueTimeoutMS: duration(3_000),
    retryAfter: duration(5_000),
    // The request's database deadline, enforced by tao itself (db/deadline.ts).
    timeout: duration(4_000),
  }),
  templates: shape({
    globals: mapOf(anyValue),
    filters: mapOf(fn),
    cache: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
    maxOutput: size(4 * 1024 * 1024),
  }),
  static: shape({
    hashed: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
  }),
  session: shape({
    cookieName: str('tao_session', cookieName),
    maxAge: duration(14 * 86_400_000),
  }),
  forms: shape({
    maxFields: int(1000, 1, 1_000_000),
    maxFieldSize: size(1024 * 1024),
    maxFileSize: size(10 * 1024 * 1024),
    maxFiles: int(10, 0, 100_000),
    maxParts: int(undefined, 1, 1_100_000),
  }),
  security: shape({
    headers: either(bool(true), mapOf(anyValue), 'true, false, or an object of @fastify/helmet options'),
    csp: either(bool(true), mapOf(cspSources), 'true, false, or an object of CSP directives'),
    cspReportOnly: bool(false),
  }),
  websocket: shape({
    maxMessageSize: size(1024 * 1024),
    maxBufferedAmount: size(4 * 1024 * 1024),
    pingInterval: duration(30_000),
    closeTimeout: duration(5_000),
    transport: either(oneOf(['auto', 'memory', 'cluster', 'redis'] as const, 'auto'), fn, "'auto', 'memory', 'cluster', 'redis', or a function returning a channel transport"),
    // issue #18: channels over Redis pub/sub (default: redis.url)
    channels: shape({
      url: str(undefined, redisUrlProblem),
    }),
  }),
  checks: shape({
    silence: listOf(str('')),
  }),
  // languages, dates and numbers (i18n/)
  languages: listOf(str('', languageTag), ['en'], true),
  defaultLanguage: str(undefined, languageTag),
  timeZone: str('UTC', timeZoneName),
  i18n: shape({
    urlPrefix: bool(false),
    prefixDefaultLanguage: bool(false),
    cookieName: str('tao_language', cookieName),
  }),
  migrations: shape({
    allowPending: bool(false),
    autoIndexes: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
  }),
  auth: authSettings,
  mail: shape({
    url: str('auto'),
    from: str('webmaster@localhost'),
    dir: str('var/mail'),
  }),
  // admin: the built-in app `admin` (false: off; true or an object: on)
  admin: switchable(shape({
    enabled: bool(true),
    prefix: str('/admin', prefix),
    siteTitle: str('tao administration'),
    perPage: int(50, 1, 500),
  })),
  // issue #13
  csrf: shape({
    trustedOrigins: listOf(str('', trustedOrigin)),
  }),
  // cache and rate limits (issue #18)
  cache: shape({
    backend: oneOf(['auto', 'memory', 'redis'] as const, 'auto'),
    maxSize: size(64 * 1024 * 1024),
    ttl: duration(5 * 60_000),
  }),
  rateLimit: shape({
    store: oneOf(['auto', 'memory', 'redis'] as const, 'auto'),
    maxKeys: int(10_000, 1, 10_000_000),
  }),
  // issue #18: the project's Redis, shared by channels, the cache and rate limits across machines
  redis: shape({
    url: str(undefined, redisUrlProblem),
    prefix: str(undefined),
    connectTimeout: duration(2_000),
    commandTimeout: duration(1_000),
  }),
})

type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[] ? readonly DeepReadonly<U>[]
    : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T

/** The validated, normalized and frozen settings of one tao app. */
export type Settings = DeepReadonly<ReturnType<typeof settingsSchema>> & {
  /** Absolute path of the project root. */
  readonly root: string
  /** The settings file these came from (or '(inline)'). */
  readonly file: string
  /** Always set once loaded: the first of `languages` when settings.ts is silent. */
  readonly defaultLanguage: string
  /** Always set once loaded: 'tao:<database.name>:' when settings.ts is silent. */
  readonly redis: { readonly prefix: string }
}
