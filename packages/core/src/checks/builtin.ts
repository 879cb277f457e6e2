import { existsSync, readdirSync } from 'node:fs'
import { relative } from 'node:path'
import { loadCatalogs } from '../i18n/catalogs.js'
import { missingTranslations } from '../i18n/extract.js'
import type { Settings } from '../settings/index.js'
import { readNginxConf, readUnits } from './deploy-files.js'
import { checkDatabase } from '../db/checks.js'
import { isLocalHost, splitUrl } from '../db/url.js'
import { decodeKey, lowEntropyReason } from '../session/keys.js'
import { finding, type CheckId, type CheckMessage } from './messages.js'
import type { CheckContext, CheckDef } from './registry.js'

const PLACEHOLDER = /^(change-?me|secret|insecure|password|test|dev|development|example|x+|0+)$/i

/** Why a secret key is weak, or null. */
export function weakKeyReason (key: string): string | null {
  if (PLACEHOLDER.test(key)) return 'it is a placeholder word'
  const bytes = /^[0-9a-f]+$/i.test(key) && key.length % 2 === 0
    ? key.length / 2
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(key) ? Buffer.from(key, 'base64').length : Buffer.byteLength(key)
  if (bytes < 32) return `it has ${bytes} bytes, fewer than 32`
  if (new Set(key).size < 10) return 'it repeats too few distinct characters to be random'
  return null
}

/** Why a key that decodes to 32 bytes is low-entropy (the refusal at start), or null. */
function lowEntropy (key: string): string | null {
  try {
    return lowEntropyReason(decodeKey(key, 'settings.secretKey'))
  } catch {
    return null
  }
}

function secretKey ({ settings }: CheckContext): CheckMessage[] {
  const keys = settings.secretKey === undefined ? [] : typeof settings.secretKey === 'string' ? [settings.secretKey] : [...settings.secretKey]
  if (keys.length === 0 || keys.every((k) => k === '')) return [finding('security.E001')]
  const label = (r: string | null, i: number) => (r && keys.length > 1 ? `key ${i + 1}: ${r}` : r)
  // A low-entropy key stops a production start: an error. Other weaknesses stay a warning.
  const refused = keys.map((k, i) => label(lowEntropy(k), i)).filter((r) => r !== null)
  if (refused.length > 0) return [finding('security.E002', refused.join('; '))]
  const reasons = keys.map((k, i) => label(weakKeyReason(k), i)).filter((r) => r !== null)
  return reasons.length > 0 ? [finding('security.W001', reasons.join('; '))] : []
}

const isOff = (trust: Settings['server']['trustProxy']): boolean =>
  trust === false || trust === 0 || (Array.isArray(trust) && trust.length === 0)

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

function proxy ({ settings, root }: CheckContext): CheckMessage[] {
  const s = settings.server
  const nginx = readNginxConf(root)
  const out: CheckMessage[] = []
  if (nginx?.proxies && isOff(s.trustProxy)) {
    out.push(finding('security.W004', 'server.trustProxy is off'))
  } else if (nginx?.proxies && s.socket && Array.isArray(s.trustProxy) && !s.trustProxy.includes('unix')) {
    // Peers of a unix socket have no address, so an address list never matches them.
    out.push(finding('security.W004', 'tao listens on a unix socket and server.trustProxy lists addresses but not \'unix\''))
  }
  if (s.trustProxy === true && !s.socket && !LOOPBACK.test(s.host)) out.push(finding('security.W005', s.host))
  return out
}

/** Session cookies are Secure only on HTTPS requests: plain HTTP on a public address never is. */
function plainHttp ({ settings, root }: CheckContext): CheckMessage[] {
  const s = settings.server
  if (s.socket || LOOPBACK.test(s.host) || readNginxConf(root)?.proxies) return []
  return [finding('security.W006', `${s.host}:${s.port}`)]
}

function serverFiles ({ settings, root, services }: CheckContext): CheckMessage[] {
  const s = settings.server
  const out: CheckMessage[] = []
  const nginx = readNginxConf(root)
  if (nginx?.upstreamKeepAlive != null && s.keepAliveTimeout <= nginx.upstreamKeepAlive) {
    out.push(finding('server.W001', s.keepAliveTimeout, nginx.upstreamKeepAlive))
  }
  const upload = Math.max(s.bodyLimit, settings.forms.maxFileSize)
  if (nginx && nginx.clientMaxBodySize !== 0 && nginx.clientMaxBodySize < upload) {
    out.push(finding('server.W002', nginx.clientMaxBodySizeText, upload))
  }
  const stopping = s.shutdownTimeout + services.reduce((sum, r) => sum + (r.def.stopTimeout ?? settings.services.stopTimeout), 0)
  for (const unit of readUnits(root)) {
    if (unit.timeoutStop <= stopping) out.push(finding('server.W003', `deploy/${unit.name}`, unit.timeoutStop, stopping))
  }
  return out
}

function staticFiles ({ settings, root }: CheckContext): CheckMessage[] {
  const out: CheckMessage[] = []
  if (settings.static.hashed !== true) out.push(finding('static.W001'))
  const alias = readNginxConf(root)?.staticAlias
  if (alias && (!existsSync(alias) || readdirSync(alias).length === 0)) out.push(finding('static.W002', alias))
  return out
}

/** Catalogs missing translations that the default language's catalog has (i18n.W001). */
function translations ({ settings, root, apps }: CheckContext): CheckMessage[] {
  if (!apps || settings.languages.length < 2) return []
  let files
  try {
    files = loadCatalogs(root, { apps }).files
  } catch {
    return [] // a malformed catalog fails the boot, which tao check reports itself
  }
  return missingTranslations(files, settings.defaultLanguage).map((m) => finding('i18n.W001', relative(root, m.file), m.lang, m.missing.length,
    m.missing.slice(0, 3).map((k) => `'${k}'`).join(', ') + (m.missing.length > 3 ? ', …' : '')))
}

/**
 * websocket.W001: a database other machines could share (a server that is not on loopback)
 * while channels have no broker (no Redis URL, no transport factory): a second machine
 * would serve the same site, and a publish on one would never reach sockets on the other.
 * One machine with `--workers` and the embedded store is fine: its primary relays channels.
 */
function channelBroker ({ settings }: CheckContext): CheckMessage[] {
  const url = settings.database.url
  if (url === undefined || url === 'memory') return []
  const hosts = splitUrl(url)?.hosts.split(',') ?? []
  if (hosts.length > 0 && hosts.every(isLocalHost)) return []
  const ws = settings.websocket
  if (typeof ws.transport === 'function' || ws.transport === 'redis') return []
  if ((ws.channels.url ?? settings.redis.url) !== undefined && ws.transport === 'auto') return []
  return [finding('websocket.W001', ws.transport)]
}

/**
 * cache.W001: a database other machines could share (as websocket.W001) while the cache or the
 * rate limits stay in each process's memory (no Redis URL, or 'memory' chosen).
 */
function sharedStores (ctx: CheckContext): CheckMessage[] {
  const { settings } = ctx
  const url = settings.database.url
  if (url === undefined || url === 'memory') return []
  const hosts = splitUrl(url)?.hosts.split(',') ?? []
  if (hosts.length > 0 && hosts.every(isLocalHost)) return []
  const local = (choice: string) => choice === 'memory' || (choice === 'auto' && settings.redis.url === undefined)
  const what = [local(settings.cache.backend) ? 'the cache lives' : '', local(settings.rateLimit.store) ? 'rate limits count' : ''].filter(Boolean)
  return what.length === 0 ? [] : [finding('cache.W001', what.join(' and '))]
}

/** tao's own checks; other concerns add theirs to the list in checks/index.ts. */
export const builtinChecks: readonly CheckDef[] = [
  { name: 'secret key', deploy: true, run: secretKey },
  { name: 'debug', deploy: true, run: ({ settings }) => (settings.debug ? [finding('security.W002')] : []) },
  { name: 'allowed hosts', deploy: true, run: ({ settings }) => (settings.allowedHosts.length === 0 ? [finding('security.W003')] : []) },
  { name: 'proxy', deploy: true, run: proxy },
  { name: 'plain http', deploy: true, run: plainHttp },
  { name: 'server and deploy files', deploy: false, run: serverFiles },
  { name: 'embedded database', deploy: true, run: ({ settings }) => (settings.database.url ? [] : [finding('database.W003')]) },
  // The database concern's own checks; it logs them itself when it connects.
  { name: 'database', deploy: false, atStart: false, run: ({ settings }) => checkDatabase(settings).map((c) => ({ ...c, id: c.id as CheckId })) },
  { name: 'static files', deploy: true, run: staticFiles },
  { name: 'translations', deploy: false, atStart: false, run: translations },
  { name: 'channel broker', deploy: true, run: channelBroker },
  { name: 'cache and rate-limit stores', deploy: true, run: sharedStores },
  { name: 'migrations', deploy: true, run: ({ pendingMigrations }) => (pendingMigrations?.length ? [finding('migrations.E001', pendingMigrations.join(', '))] : []) },
]
