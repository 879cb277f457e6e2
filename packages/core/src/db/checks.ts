import type { Settings } from '../settings/index.js'
import { databaseTarget } from './embedded.js'
import { isLocalHost, splitUrl } from './url.js'

/** An advisory about the database settings (Django-style check: advice, never fatal). */
export interface DatabaseCheck {
  readonly id: string
  readonly level: 'warning'
  readonly msg: string
  readonly hint: string
}

/** Production data kept only in memory. */
export const W001: DatabaseCheck = Object.freeze({
  id: 'database.W001',
  level: 'warning',
  msg: "database.url is 'memory' while debug is off: every restart loses the data.",
  hint: 'Remove database.url to keep the data in var/db, or set TAO_DATABASE_URL to a MongoDB server.',
})

/** Credentials sent in clear text to another machine. */
export const W002: DatabaseCheck = Object.freeze({
  id: 'database.W002',
  level: 'warning',
  msg: 'database.url sends a password to a remote host without TLS.',
  hint: "Add 'tls=true' to the URL's query, or use a 'mongodb+srv://' URL (TLS by default).",
})

/** The database checks that apply to these settings, minus those silenced in settings.checks.silence. */
export function checkDatabase (settings: Settings): DatabaseCheck[] {
  const found: DatabaseCheck[] = []
  const target = databaseTarget(settings)
  if (!settings.debug && target.kind === 'embedded' && target.dir === undefined) found.push(W001)
  if (!settings.debug && target.kind === 'server') {
    const p = splitUrl(target.url)
    const hasPassword = p !== null && p.scheme === 'mongodb' && p.password !== undefined
    const remote = p !== null && p.hosts.split(',').some((h) => !isLocalHost(h))
    const tls = p !== null && /[?&](tls|ssl)=true(&|$)/i.test(p.tail)
    if (hasPassword && remote && !tls) found.push(W002)
  }
  const silenced = new Set(settings.checks.silence)
  return found.filter((c) => !silenced.has(c.id))
}
