/**
 * The one registry of check ids, like errors/codes.ts for errors. Each entry: its level, the
 * message (from typed arguments) and the hint that says how to fix it. Ids look like Django's:
 * '<area>.<E|W|I><nnn>', are never renamed or reused, and docs/reference/checks.md lists
 * every one (a test keeps them in step).
 */
export type CheckLevel = 'error' | 'warning' | 'info'

const def = <A extends unknown[]>(level: CheckLevel, msg: (...args: A) => string, hint: string) => ({ level, msg, hint })

export const checkIds = {
  // security
  'security.E001': def('error', () => 'No secret key is set (settings.secretKey / TAO_SECRET_KEY).',
    'Set TAO_SECRET_KEY in the environment or .env to 32 random bytes: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))".'),
  'security.E002': def('error', (reason: string) => `The secret key is low-entropy: ${reason}. tao refuses to start with it outside debug mode (TAO_ERR_SESSION_KEY_WEAK).`,
    'Make a random key: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))", and set it as TAO_SECRET_KEY.'),
  'security.W001': def('warning', (reason: string) => `The secret key is weak: ${reason}.`,
    'Use 32 random bytes (64 hex characters) made by a random generator, never a word or a placeholder.'),
  'security.W002': def('warning', () => 'debug is on in a deployment: error pages show code and settings.',
    'Set debug: false (or TAO_DEBUG=false) in production.'),
  'security.W003': def('warning', () => 'allowedHosts is empty: the site answers to any Host header.',
    "List the names the site is served under: allowedHosts: ['example.com'] (or TAO_ALLOWED_HOSTS)."),
  'security.W004': def('warning', (why: string) => `deploy/nginx.conf proxies to tao but ${why}: client addresses are the proxy's and requests behind HTTPS look like plain HTTP (no Secure cookies).`,
    'Behind nginx on a unix socket set server.trustProxy: [\'unix\'] (or TAO_TRUST_PROXY=unix); on a port, trust the proxy\'s address: [\'loopback\'].'),
  'security.W005': def('warning', (host: string) => `server.trustProxy is true while tao listens on ${host}: any client can forge X-Forwarded-For and X-Forwarded-Proto.`,
    "Trust only the proxy: server.trustProxy: ['127.0.0.1'] (or a hop count), or listen on 127.0.0.1 or a unix socket."),
  'security.W006': def('warning', (host: string) => `tao answers plain HTTP on ${host} with no proxy in front (deploy/nginx.conf): the session cookie is sent without the Secure flag.`,
    'Serve the site over HTTPS through a proxy (deploy/nginx.conf, certbot) and listen on 127.0.0.1 or a unix socket.'),

  // server
  'server.W001': def('warning', (tao: number, nginx: number) => `server.keepAliveTimeout (${tao} ms) is not longer than the keepalive_timeout of the upstream in deploy/nginx.conf (${nginx} ms): nginx may reuse a connection tao is closing, a classic cause of sporadic 502s.`,
    'Make server.keepAliveTimeout longer than nginx\'s upstream keepalive_timeout (tao\'s default 75s is longer than nginx\'s 60s).'),
  'server.W002': def('warning', (nginx: string, tao: number) => `deploy/nginx.conf sets client_max_body_size ${nginx}, smaller than tao's upload limit (${tao} bytes, the larger of server.bodyLimit and forms.maxFileSize): nginx answers 413 before tao sees such bodies.`,
    'Set client_max_body_size in deploy/nginx.conf to that limit (e.g. 10m for \'10mb\'), or lower the settings.'),
  'server.W003': def('warning', (unit: string, systemd: number, tao: number) => `${unit} lets systemd wait ${systemd} ms for a stop (TimeoutStopSec) but tao may need ${tao} ms to drain requests and stop services: systemd would kill it mid-shutdown.`,
    'Raise TimeoutStopSec in the unit file above server.shutdownTimeout plus the services\' stop timeouts, or lower those.'),

  // database
  'database.W003': def('warning', () => 'No database URL is set: tao uses the embedded store under var/db, which serves one machine only.',
    'Set TAO_DATABASE_URL (or settings.database.url) to a MongoDB replica set for production.'),

  // websocket channels across machines (issue #18)
  'websocket.W001': def('warning', (transport: string) => `The database is a server several machines can share, but channels have no broker (websocket.transport '${transport}', no Redis URL): on a second machine, a publish would never reach the websockets of the first.`,
    "Set TAO_REDIS_URL (or settings.redis.url) to a Redis all machines reach; channels then go over Redis pub/sub. On one machine only, silence this check: checks.silence: ['websocket.W001']."),

  // cache and rate limits across machines (issue #18)
  'cache.W001': def('warning', (what: string) => `The database is a server several machines can share, but ${what} in each process's memory: on several machines, a cache.delete() on one leaves the others' copies until they expire, and a rate limit allows its max on every process.`,
    "Set TAO_REDIS_URL (or settings.redis.url) to a Redis all machines reach, and leave cache.backend and rateLimit.store at 'auto'. On one machine only, silence this check: checks.silence: ['cache.W001']."),

  // languages
  'i18n.W001': def('warning', (file: string, lang: string, count: number, sample: string) => `${file} lacks ${count} translation${count === 1 ? '' : 's'} into '${lang}' that the default language's catalog has: ${sample}.`,
    'Translate them (run `tao makemessages` to add every string of the code to the catalogs); until then they show in the default language.'),

  // migrations
  'migrations.E001': def('error', (names: string) => `Migrations are not applied: ${names}. \`tao start\` refuses to start until they are.`,
    'Run `tao migrate` in the deploy step, before starting (or set migrations.allowPending: true).'),

  // static files
  'static.W001': def('warning', () => 'static.hashed is off in a deployment: browsers cannot cache static files for long.',
    "Set static.hashed: true (or leave it at 'auto' with debug off)."),
  'static.W002': def('warning', (dir: string) => `deploy/nginx.conf serves /static/ from ${dir}, which does not exist or is empty.`,
    'Run `tao collectstatic` on the server (it writes var/static by default), or fix the alias in deploy/nginx.conf.'),
} as const

/** Every check id. */
export type CheckId = keyof typeof checkIds

/** One finding of `tao check`, Django-style. */
export interface CheckMessage {
  readonly id: CheckId
  readonly level: CheckLevel
  readonly msg: string
  readonly hint: string
}

type ArgsOf<I extends CheckId> = Parameters<(typeof checkIds)[I]['msg']>

/** Builds the finding registered under `id` with its message arguments. */
export function finding<I extends CheckId> (id: I, ...args: ArgsOf<I>): CheckMessage {
  const entry = checkIds[id]
  return Object.freeze({ id, level: entry.level, msg: (entry.msg as (...a: ArgsOf<I>) => string)(...args), hint: entry.hint })
}
