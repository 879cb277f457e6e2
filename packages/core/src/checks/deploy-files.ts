import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** What the checks read from deploy/nginx.conf. */
export interface NginxFacts {
  file: string
  /** True when some location proxies to tao (proxy_pass). */
  proxies: boolean
  /** keepalive_timeout of an upstream that keeps connections to tao open (ms), or null. */
  upstreamKeepAlive: number | null
  /** client_max_body_size in bytes (nginx's default 1m when unset; 0 means unlimited). */
  clientMaxBodySize: number
  /** The raw client_max_body_size value, for messages. */
  clientMaxBodySizeText: string
  /** The folder `location /static/` aliases, if any. */
  staticAlias: string | null
}

/** Without comments (`# …` to the end of the line, outside quotes). */
function stripComments (text: string): string {
  return text.split('\n').map((line) => line.replace(/^((?:[^#'"]|'[^']*'|"[^"]*")*)#.*$/, '$1')).join('\n')
}

/** The body of the first `<head> {` block, with nested braces balanced. */
function block (text: string, head: RegExp): string | null {
  const m = head.exec(text)
  if (!m) return null
  let depth = 0
  for (let i = m.index + m[0].length - 1; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return text.slice(m.index + m[0].length, i)
  }
  return null
}

const NGINX_TIME: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** An nginx time ('75s', '1m', '60': seconds by default) in ms, or null. */
export function nginxTime (value: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim())
  return m ? Number(m[1]) * NGINX_TIME[m[2] ?? 's']! : null
}

/** An nginx size ('10m', '512k', '1g', bytes by default) in bytes, or null. */
export function nginxSize (value: string): number | null {
  const m = /^(\d+)([kKmMgG])?$/.exec(value.trim())
  if (!m) return null
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1
  return Number(m[1]) * unit
}

/** Reads deploy/nginx.conf of a project, or null when there is none. */
export function readNginxConf (root: string): NginxFacts | null {
  const file = join(root, 'deploy', 'nginx.conf')
  if (!existsSync(file)) return null
  const text = stripComments(readFileSync(file, 'utf8'))
  const upstream = block(text, /\bupstream\s+[^\s{]+\s*\{/)
  let upstreamKeepAlive: number | null = null
  if (upstream && /(^|[\s;{])keepalive\s+\d+\s*;/.test(upstream)) {
    const t = /(^|[\s;{])keepalive_timeout\s+([^;\s]+)\s*;/.exec(upstream)
    upstreamKeepAlive = t ? nginxTime(t[2]!) : 60_000
  }
  const body = /(^|[\s;{])client_max_body_size\s+([^;\s]+)\s*;/.exec(text)
  const staticBlock = block(text, /\blocation\s+(\^~\s+)?\/static\/\s*\{/)
  const alias = staticBlock ? /(^|[\s;{])(alias|root)\s+([^;\s]+)\s*;/.exec(staticBlock) : null
  return {
    file,
    proxies: /(^|[\s;{])proxy_pass\s+/.test(text),
    upstreamKeepAlive,
    clientMaxBodySize: body ? (nginxSize(body[2]!) ?? 1024 ** 2) : 1024 ** 2,
    clientMaxBodySizeText: body ? body[2]! : '1m (nginx default)',
    // `root /x;` under location /static/ serves /x/static/...: the folder is /x/static.
    staticAlias: alias ? (alias[2] === 'root' ? join(alias[3]!, 'static') : alias[3]!) : null,
  }
}

/** A systemd unit of the project (deploy/*.service) and its stop timeout in ms. */
export interface UnitFacts {
  file: string
  name: string
  timeoutStop: number
}

const SYSTEMD_TIME: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/** A systemd time span ('90', '30s', '1min 30s', 'infinity') in ms, or null. */
export function systemdTime (value: string): number | null {
  const v = value.trim()
  if (v === 'infinity') return Infinity
  if (/^\d+$/.test(v)) return Number(v) * 1000
  let total = 0
  let rest = v
  for (const m of v.matchAll(/(\d+)\s*(ms|sec|s|min|m|h)\b/g)) {
    total += Number(m[1]) * SYSTEMD_TIME[m[2]!]!
    rest = rest.replace(m[0], '')
  }
  return rest.trim() === '' && total > 0 ? total : null
}

/** The systemd units under deploy/ (TimeoutStopSec, systemd's default 90s when unset). */
export function readUnits (root: string): UnitFacts[] {
  const dir = join(root, 'deploy')
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f.endsWith('.service')).sort().map((name) => {
    const file = join(dir, name)
    const text = readFileSync(file, 'utf8')
    const m = /^\s*TimeoutStopSec\s*=\s*(.+)$/m.exec(text) ?? /^\s*TimeoutSec\s*=\s*(.+)$/m.exec(text)
    return { file, name, timeoutStop: (m ? systemdTime(m[1]!) : null) ?? 90_000 }
  })
}
