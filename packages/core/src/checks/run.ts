import { builtinChecks } from './builtin.js'
import type { CheckMessage } from './messages.js'
import type { CheckContext, CheckDef } from './registry.js'

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Include the deployment checks. */
  deploy?: boolean
  /** The checks to run (default: every built-in one). */
  checks?: readonly CheckDef[]
  /** Only the checks logged at `tao start` (not those a concern logs itself). */
  atStart?: boolean
}

/** The findings of a check run, and how many were silenced by settings.checks.silence. */
export interface CheckReport {
  findings: CheckMessage[]
  silenced: number
}

const ORDER = { error: 0, warning: 1, info: 2 }

/**
 * Runs the checks on a project, Django-style: findings sorted by level then id, minus those
 * silenced by settings.checks.silence. Checks never throw for a finding; a check that crashes
 * is a bug and propagates.
 */
export async function runChecks (ctx: CheckContext, opts: RunChecksOptions = {}): Promise<CheckReport> {
  const checks = (opts.checks ?? builtinChecks).filter((c) => (opts.deploy || !c.deploy) && (!opts.atStart || c.atStart !== false))
  const all = (await Promise.all(checks.map((c) => c.run(ctx)))).flat()
  const silence = new Set(ctx.settings.checks.silence)
  const findings = all.filter((f) => !silence.has(f.id)).sort((a, b) => ORDER[a.level] - ORDER[b.level] || a.id.localeCompare(b.id))
  return { findings, silenced: all.length - findings.length }
}

/** A report as `tao check` prints it, like Django's. */
export function formatReport (report: CheckReport): string {
  const { findings, silenced } = report
  const lines: string[] = []
  const groups: [string, CheckMessage['level']][] = [['ERRORS', 'error'], ['WARNINGS', 'warning'], ['INFOS', 'info']]
  if (findings.length > 0) lines.push('System check identified some issues:', '')
  for (const [title, level] of groups) {
    const list = findings.filter((f) => f.level === level)
    if (list.length === 0) continue
    lines.push(`${title}:`)
    for (const f of list) lines.push(`${f.id}: ${f.msg}`, `\tHINT: ${f.hint}`)
    lines.push('')
  }
  const count = findings.length === 0 ? 'no issues' : findings.length === 1 ? '1 issue' : `${findings.length} issues`
  lines.push(`System check identified ${count} (${silenced} silenced).`)
  return lines.join('\n') + '\n'
}
