import { kUserSettings } from '../symbols.js'
import type { ChannelTransport } from '../websocket/transport.js'

type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`
type Size = number | `${number}${'b' | 'kb' | 'mb' | 'gb' | 'KB' | 'MB' | 'GB'}`

/** An app shipped as an npm package, listed in `settings.apps`. */
export interface AppPackageEntry {
  /** The npm package name, resolved from the project root. */
  package: string
  /** The app name (default: the package's `tao.name`, else its unscoped name). */
  name?: string
  /** URL prefix for its routes (default: the package's own `prefix` export). */
  prefix?: string
}

/**
 * What a project's settings.ts may set. Every key is optional; omitted keys take the
 * defaults documented in docs/reference/settings.md.
 */
export interface UserSettings {
  /** Development mode: detailed error pages, templates re-read on change. Default false. */
  debug?: boolean
  /**
   * Show the debug toolbar on HTML pages while debug is on (`tao dev`): route, time, templates
   * rendered, database commands, session keys. Default true; false turns it off. Never runs
   * with debug off, whatever this says.
   * @see docs/reference/debug-toolbar.md
   */
  debugToolbar?: boolean
  /**
   * Client addresses that get the debug toolbar and its pages (Django's INTERNAL_IPS):
   * addresses or CIDR ranges, matched against the connection's own peer address (never
   * X-Forwarded-For). Default loopback only: `['127.0.0.1', '::1']`. Anyone else gets pages
   * without the toolbar, and 404 from its URLs.
   * @see docs/reference/debug-toolbar.md
   */
  debugToolbarAddresses?: string[]
  /**
   * Key(s) for encrypting session cookies: 32 bytes, written as 64 hex or 44 base64 characters
   * (`TAO_SECRET_KEY`, comma-separated for several). With a list, the first encrypts and all
   * decrypt (key rotation). Required in production; in debug a missing key is replaced by a
   * random one for the life of the process.
   * @see docs/reference/security.md
   */
  secretKey?: string | string[]
  /**
   * Host names this site answers to (Django's ALLOWED_HOSTS); another Host header gets 400.
   * `.example.com` matches example.com and its subdomains, `'*'` matches anything, ports are
   * ignored, IPv6 literals are written `[::1]`. Empty (the default): in debug and tests,
   * localhost names only; in production, nothing (every request is refused until you set it).
   */
  allowedHosts?: string[]
  /** Apps from npm packages, besides the project's own apps/ folder. */
  apps?: (string | AppPackageEntry)[]
  /** URL prefix per app, overriding the app's own `export const prefix`. */
  prefixes?: Record<string, string>
  /** Log level. Default 'info'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /**
   * How logs are written: 'json' (pino's JSON lines, for log collectors), 'pretty' (one human
   * line per request, coloured on a terminal, through pino-pretty), or 'auto' (the default:
   * pretty when debug is on, as under `tao dev`, JSON otherwise).
   */
  logFormat?: 'auto' | 'pretty' | 'json'
  server?: {
    host?: string
    port?: number
    /** Listen on this unix socket instead of host and port (a stale socket file is removed). */
    socket?: string
    /** File mode of the unix socket, e.g. 0o660 so that nginx's group can connect. */
    socketMode?: number
    /**
     * Whose X-Forwarded-For/-Proto/-Host to believe: false (nobody, the default), a list of
     * peers (addresses, CIDRs, 'loopback', 'linklocal', 'uniquelocal', and 'unix' for a proxy
     * connecting through the unix socket), true (any peer), or a hop count (any peer, at most
     * that many X-Forwarded-For hops). Only list the proxies that can reach the server.
     */
    trustProxy?: boolean | number | string[]
    /** Time a client has to send the whole request. Default '30s'; 0 turns it off. */
    requestTimeout?: Duration
    /** Time a client has to send the request headers (slow-loris guard). Default '20s'. */
    headersTimeout?: Duration
    keepAliveTimeout?: Duration
    connectionTimeout?: Duration
    /** How long shutdown waits for in-flight requests before closing their connections. Default '10s'. */
    shutdownTimeout?: Duration
    bodyLimit?: Size
    /**
     * Worker processes for `tao start`: a number, or 'auto' (one per core). Unset: one process.
     * With workers, SIGHUP restarts them one at a time and a crashed worker is replaced.
     */
    workers?: number | 'auto'
    /** Health endpoints, outside sessions and pages: a path each, or false to turn one off. */
    health?: {
      /** Liveness: 200 while the process serves. Default '/-/live'. */
      live?: string | false
      /** Readiness: 200 when the database and services are up; 503 while starting or shutting down. Default '/-/ready'. */
      ready?: string | false
    }
    /**
     * Longest a handler may take to start its answer: then the request gets a 503 with
     * Retry-After, the route is logged and `req.signal` aborts. Default '30s'; 0 turns it off.
     * A route can set its own (`route(..., { timeout: '2s' })`).
     */
    handlerTimeout?: Duration
    /**
     * An unhandled promise rejection: 'exit' (the default) logs it, drains briefly and exits 1
     * like an uncaught exception; 'log' logs it and goes on (risk: state the failed code left
     * half-done stays so, e.g. a lock never released).
     */
    unhandledRejection?: 'exit' | 'log'
    /** With workers: a worker whose RSS passes this is replaced gracefully (a new one listens, then it drains). Default 0: never. */
    workerMaxMemory?: Size
    /**
     * Name, in a crash's log line, the route whose handler started the failing code (a timer or
     * promise it started), by running each handler in Node's AsyncLocalStorage. 'auto' (the
     * default): with debug on, or on Node 24+ where that costs requests next to nothing; on Node
     * 20 and 22 it enables async hooks for every promise, about 12,000 instructions per request
     * on the hello route (see docs/deployment.md), so `true` there is a choice. false: the line names the requests in flight only.
     */
    crashContext?: boolean | 'auto'
    /**
     * A request taking longer than this is logged at 'warn' ("slow request"), so it shows
     * even with logLevel 'warn'. 0: never. Default '1s'.
     */
    slowRequestTime?: Duration
  }
  /** Background services (apps/<app>/services.ts). */
  services?: {
    /** Start the services with the server. Default true. */
    enabled?: boolean
    /** Default time each service's stop() gets at shutdown. Default '5s'. */
    stopTimeout?: Duration
    /** Lease of `once: true` services: another process takes over within about this long after the holder dies. Default '5s'. */
    leaseTtl?: Duration
  }
  /** The one pooled MongoDB client of the process. See docs/reference/database.md. */
  database?: {
    /**
     * A MongoDB connection string ('mongodb://…', 'mongodb+srv://…'), or 'memory' for an
     * embedded store that keeps nothing on disk. Omit it to use the embedded store with its data
     * in `<project>/var/db`. TAO_DATABASE_URL overrides it.
     */
    url?: string
    /** The database `req.db` and `app.db` use. Default 'tao'. */
    name?: string
    /** Most connections the client opens to each server. Default 20. */
    maxPoolSize?: number
    /** How long an operation waits for a reachable server before failing (a 503). Default 5s. */
    serverSelectionTimeoutMS?: Duration
    /**
     * Refuse to start when the database is unreachable. Default 'auto': true when debug is on
     * (`tao dev` stops), false otherwise (production starts and answers 503 until it is back).
     */
    requireOnStart?: boolean | 'auto'
    /** How long opening a connection to the database may take. Default '2s'. */
    connectTimeoutMS?: Duration
    /** How long the driver waits for any one reply before closing the connection (MongoNetworkTimeoutError). Default 0: never; requests are bounded by `timeout`. Set it to bound waits outside requests (services, scripts); it caps every route's `dbTimeout` too. */
    socketTimeoutMS?: Duration
    /** How long an operation waits for a free pooled connection before failing (a 503). Default '3s'; 0: forever. */
    waitQueueTimeoutMS?: Duration
    /** The Retry-After of a 503 answered because the database is unavailable. Default '5s'. */
    retryAfter?: Duration
    /**
     * The database deadline of a request: its operations through `req.db` must end within this
     * long of its first one, or the operation is cancelled (and stopped on the server by
     * `maxTimeMS`) and the request answers 503 with Retry-After. Default '4s'; 0: none. A route
     * can set its own (`route(..., { dbTimeout: '30s' })`).
     */
    timeout?: Duration
  }
  templates?: {
    globals?: Record<string, unknown>
    filters?: Record<string, (...args: never[]) => unknown>
    /** Compile each template once ('auto': when debug is off). */
    cache?: boolean | 'auto'
    /** Most characters one render may produce; more fails it with TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE (500). Default '4mb'. */
    maxOutput?: Size
  }
  static?: {
    /** Add content hashes to static() URLs ('auto': when debug is off). */
    hashed?: boolean | 'auto'
  }
  session?: {
    /** Name of the session cookie. Default 'tao_session'. */
    cookieName?: string
    /** How long a session lives after its last change. Default '14d'. */
    maxAge?: Duration
  }
  /** Limits of form and upload bodies (JSON and urlencoded bodies also obey server.bodyLimit). */
  forms?: {
    /** Most fields in one form (urlencoded or multipart); more is a 400. Default 1000. */
    maxFields?: number
    /** Largest value of one form field; larger is a 413. Default '1mb'. */
    maxFieldSize?: Size
    /** Largest uploaded file; larger is a 413. Default '10mb'. */
    maxFileSize?: Size
    /** Most files in one upload; more is a 413. Default 10. */
    maxFiles?: number
    /** Most parts (fields and files) in one multipart body; more is a 413. Default maxFields + maxFiles. */
    maxParts?: number
  }
  /** Security headers. @see docs/reference/security.md */
  security?: {
    /** false turns every security header off; an object of @fastify/helmet options refines tao's defaults. */
    headers?: boolean | Record<string, unknown>
    /**
     * Content-Security-Policy directives merged over tao's defaults (`null` removes one), e.g.
     * `{ 'img-src': ["'self'", 'https://images.example.com'] }`; false sends no CSP.
     */
    csp?: boolean | Record<string, string | string[] | null>
    /** Send the CSP as Content-Security-Policy-Report-Only (to try a policy). Default false. */
    cspReportOnly?: boolean
  }
  /** Websocket routes and channels (see docs/reference/websockets.md). */
  websocket?: {
    /** Largest message a client may send; a bigger one closes the socket with 1009. Default '1mb'; 0: no limit. */
    maxMessageSize?: Size
    /**
     * Data waiting to be written to one client (socket.bufferedAmount) past which a send drops that
     * client: it has stopped reading. Default '4mb'; 0: no limit.
     */
    maxBufferedAmount?: Size
    /** How often idle sockets are pinged; one that has not answered the last ping is dropped. Default '30s'; 0: off. */
    pingInterval?: Duration
    /** On shutdown, how long sockets get to finish the 1001 close handshake before they are cut. Default '5s'. */
    closeTimeout?: Duration
    /**
     * How channels reach other processes: 'auto' (node:cluster IPC in a cluster worker, else in-process),
     * 'memory', 'cluster', 'redis' (Redis pub/sub, across machines), or a function returning a
     * ChannelTransport. 'auto' picks 'redis' when a Redis URL is set (websocket.channels.url or redis.url).
     */
    transport?: 'auto' | 'memory' | 'cluster' | 'redis' | (() => ChannelTransport)
    /** Channels over Redis pub/sub (issue #18). @see docs/reference/websockets.md */
    channels?: {
      /** The Redis of channels, e.g. 'redis://10.0.0.5:6379'. Default: redis.url (`TAO_REDIS_URL`). */
      url?: string
    }
  }
  checks?: {
    /** Check ids to silence, e.g. ['security.W004']. */
    silence?: string[]
  }
  /**
   * The languages the site is served in, as BCP 47 tags (`TAO_LANGUAGES`, comma-separated).
   * Default `['en']`. With more than one, each request gets the best one (URL prefix, cookie,
   * then Accept-Language), `req.locale` and `locale` in templates.
   * @see docs/reference/i18n.md
   */
  languages?: string[]
  /** The language of the source texts and the fallback. Default: the first of `languages`. */
  defaultLanguage?: string
  /** IANA time zone of the `date` filter and of dates inside messages (`TAO_TIME_ZONE`). Default 'UTC'. */
  timeZone?: string
  /** How the language of a request is chosen. See docs/reference/i18n.md. */
  i18n?: {
    /** Serve every page under `/<language>/...` too, and make url() prefix the current language. Default false. */
    urlPrefix?: boolean
    /** With urlPrefix, prefix the default language as well (else its URLs have no prefix). Default false. */
    prefixDefaultLanguage?: boolean
    /** The cookie the language switcher sets. Default 'tao_language'. */
    cookieName?: string
  }
  /** Migrations and the models' indexes. @see docs/reference/migrations.md */
  migrations?: {
    /** Let `tao start` (debug off) start while migrations are pending. Default false: it refuses. */
    allowPending?: boolean
    /** Create the indexes the models declare when the app is ready. Default 'auto': under debug (`tao dev`) and tests only. */
    autoIndexes?: boolean | 'auto'
  }
  /**
   * The built-in app `auth` (users, login, logout, permissions, password reset by mail): off by
   * default; `true` turns it on with the defaults, an object refines them.
   * @see docs/reference/auth.md
   */
  auth?: boolean | {
    /** false turns it off again (default true once an object is given). */
    enabled?: boolean
    /** URL prefix of its pages. Default '/accounts'. */
    prefix?: string
    /** Where a login without a `next` goes. Default '/'. */
    loginRedirect?: string
    /** Where a logout goes. Default '/'. */
    logoutRedirect?: string
    /** Shortest password accepted. Default 8. */
    passwordMinLength?: number
    /** How long a password-reset link works. Default '3d'. */
    resetTimeout?: Duration
    /** Failed logins allowed per username and per client address within `window`. Default 10 per '15m'; limit 0: no limit. */
    throttle?: { limit?: number, window?: Duration }
    /** scrypt parameters of new password hashes (older hashes are upgraded at login). Default cost 32768, blockSize 8, parallelism 1. */
    scrypt?: { cost?: number, blockSize?: number, parallelism?: number }
  }
  /** Outgoing mail (sendMail()). @see docs/reference/mail.md */
  mail?: {
    /**
     * Where mail goes: 'console' (printed), 'file' (one .eml file per mail in `dir`), 'memory'
     * (the testing helpers' outbox), or an SMTP URL such as 'smtp://user:pass@host:587'
     * ('smtps://' for TLS from the start). Default 'auto': 'console' with debug on,
     * 'smtp://127.0.0.1:25' otherwise. TAO_MAIL_URL overrides it.
     */
    url?: string
    /** The sender of mails that name none. Default 'webmaster@localhost'. */
    from?: string
    /** Folder of the 'file' backend, relative to the project. Default 'var/mail'. */
    dir?: string
  }
  /**
   * The built-in admin (app `admin`, needs `auth`): false (the default) keeps it off; true, or
   * an object refining its options, turns it on.
   * @see docs/reference/admin.md
   */
  admin?: boolean | {
    /** On when the section is given; false turns it off. */
    enabled?: boolean
    /** Where the admin is mounted. Default '/admin'. */
    prefix?: string
    /** Shown in the header and page titles. Default 'tao administration'. */
    siteTitle?: string
    /** Rows per list page. Default 50 (1 to 500). */
    perPage?: number
  }
  /** CSRF protection (issue #13). @see docs/reference/security.md */
  csrf?: {
    /**
     * Origins other than the site itself allowed to send unsafe requests (forms, fetch) and to open
     * websockets, as Django's CSRF_TRUSTED_ORIGINS: `'https://app.example.com'`, or
     * `'https://*.example.com'` for every subdomain. Scheme required; a port when not the default.
     */
    trustedOrigins?: string[]
  }
  /** The cache framework (issue #18): `req.cache`, route response caching, `{% cache %}`. @see docs/reference/cache.md */
  cache?: {
    /**
     * Where cached values live: 'memory' (a bounded LRU in each process), 'redis' (shared by every
     * process and machine; needs a Redis URL), or 'auto' (the default: 'redis' when a Redis URL is
     * configured, else 'memory').
     */
    backend?: 'auto' | 'memory' | 'redis'
    /** Most bytes the memory backend holds (keys and serialized values); the least recently used go first. Default '64mb'. */
    maxSize?: Size
    /** Lifetime of a value set without one. Default '5m'. */
    ttl?: Duration
  }
  /** Rate limits (issue #18): counters shared through Redis when one is configured, per process otherwise. @see docs/reference/cache.md */
  rateLimit?: {
    /** Where counters live: 'auto' (the default: 'redis' with a Redis URL, else 'memory'), 'memory' or 'redis'. */
    store?: 'auto' | 'memory' | 'redis'
    /** Most distinct keys the memory store counts at once (the least recently used are forgotten). Default 10000. */
    maxKeys?: number
  }
  /**
   * The project's Redis (issue #18): the broker of channels across machines, and the shared
   * backend of the cache and rate limits. Nothing connects until a concern uses it.
   * @see docs/reference/redis.md
   */
  redis?: {
    /**
     * 'redis://[user:password@]host:6379[/db]', 'rediss://...' (TLS) or 'unix:///path/to/redis.sock'.
     * `TAO_REDIS_URL` overrides it. Default: none (one machine: channels over IPC, caches in memory).
     */
    url?: string
    /** Start of every key and pub/sub channel tao uses, so sites can share one Redis. Default 'tao:<database.name>:'. */
    prefix?: string
    /** How long connecting (and each reconnection attempt) may take. Default '2s'. */
    connectTimeout?: Duration
    /** How long one command may wait for its reply before failing. Default '1s'. */
    commandTimeout?: Duration
  }
}

/**
 * Declares a project's settings. Typed, so an unknown key or a wrong type is a compile error;
 * validated again with file and key names when tao loads it.
 * @example export default defineSettings({ debug: true, allowedHosts: ['example.com'] })
 */
export function defineSettings<const S extends UserSettings> (settings: S & Record<Exclude<keyof S, keyof UserSettings>, never>): S {
  Object.defineProperty(settings, kUserSettings, { value: true })
  return settings
}
