/**
 * Connection strings, for messages and logs only: the host list a user can act on, and the
 * URL with its secrets replaced. The driver parses the URL for real.
 */

/** The parts of a connection string that messages and checks need. */
export interface UrlParts {
  scheme: string
  user: string | undefined
  password: string | undefined
  hosts: string
  tail: string
}

const SCHEME = /^(mongodb(?:\+srv)?):\/\//i
const SECRET_PARAM = /password|secret|token|key/i

/** Splits a `mongodb://` or `mongodb+srv://` URL; null for anything else. */
export function splitUrl (url: string): UrlParts | null {
  const m = SCHEME.exec(url)
  if (!m) return null
  const rest = url.slice(m[0].length)
  const query = rest.indexOf('?')
  // The last '@' before the query ends the credentials, so an unescaped '/' or '@' in a
  // password cannot leak into the host list.
  const at = rest.lastIndexOf('@', query === -1 ? rest.length : query)
  const userinfo = at === -1 ? undefined : rest.slice(0, at)
  const afterAuth = at === -1 ? rest : rest.slice(at + 1)
  const end = afterAuth.search(/[/?]/)
  const colon = userinfo?.indexOf(':') ?? -1
  return {
    scheme: m[1]!.toLowerCase(),
    user: userinfo === undefined ? undefined : colon === -1 ? userinfo : userinfo.slice(0, colon),
    password: userinfo === undefined || colon === -1 ? undefined : userinfo.slice(colon + 1),
    hosts: end === -1 ? afterAuth : afterAuth.slice(0, end),
    tail: end === -1 ? '' : afterAuth.slice(end),
  }
}

// The driver's form of a unix domain socket: its absolute path, percent-encoded, ending in '.sock'.
const UNIX_SOCKET = /^%2F.*\.sock$/i
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[?::1\]?|localhost)(:\d+)?$/

/**
 * Whether a host of a connection string is on this machine: a loopback address or name
 * (with or without a port), or a unix domain socket (as the embedded store of a primary).
 */
export function isLocalHost (host: string): boolean {
  return LOOPBACK_HOST.test(host) || UNIX_SOCKET.test(host)
}

/**
 * The hosts a connection string names, without credentials: `'db1:27017,db2:27017'`, the
 * SRV name of a `mongodb+srv://` URL, or a unix socket's path (decoded).
 */
export function describeHosts (url: string): string {
  const p = splitUrl(url)
  if (!p || p.hosts === '') return '(the host in the database URL)'
  return p.hosts.split(',').map((h) => UNIX_SOCKET.test(h) ? decodeHost(h) : h).join(',')
}

function decodeHost (host: string): string {
  try { return decodeURIComponent(host) } catch { return host }
}

/** The URL with its password and secret query values replaced by `***`, safe to log. */
export function redactUrl (url: string): string {
  const p = splitUrl(url)
  if (!p) return '(not a mongodb:// URL)'
  const auth = p.user === undefined ? '' : `${p.user}${p.password === undefined ? '' : ':***'}@`
  const tail = p.tail.replace(/([?&])([^=&]+)=([^&]*)/g, (all, sep: string, key: string) =>
    SECRET_PARAM.test(key) ? `${sep}${key}=***` : all)
  return `${p.scheme}://${auth}${p.hosts}${tail}`
}

/** `text` with every copy of the URL's password (raw and decoded) replaced by `***`. */
export function scrubSecrets (text: string, url: string | undefined): string {
  const password = url === undefined ? undefined : splitUrl(url)?.password
  if (!password) return text
  let decoded = password
  try { decoded = decodeURIComponent(password) } catch { /* keep the raw form */ }
  let out = text
  for (const secret of new Set([password, decoded])) out = out.split(secret).join('***')
  return out
}
