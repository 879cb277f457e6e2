import type { Command } from 'commander'
import { formatReport, isTaoError, pendingMigrations, runChecks, taoError, type TaoApp } from '@tao/core'
import { loadProject, loadProjectSettings } from '../project.js'

interface CheckOptions {
  deploy?: boolean
  json?: boolean
  failLevel: FailLevel
}

/** Django's --fail-level names, mapped to the finding levels that fail at each. */
const FAIL_LEVELS = { ERROR: ['error'], WARNING: ['error', 'warning'], INFO: ['error', 'warning', 'info'] } as const
type FailLevel = keyof typeof FAIL_LEVELS

function failLevel (value: string): FailLevel {
  const level = value.toUpperCase()
  if (!(level in FAIL_LEVELS)) throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--fail-level', value, 'ERROR, WARNING or INFO'])
  return level as FailLevel
}

/**
 * `tao check [--deploy] [--fail-level LEVEL]`: Django-style checks of the project; exit 1 when
 * a finding is at the fail level or above (ERROR by default, as Django). A
 * project whose app cannot even be created (a missing secret key in production, say) is still
 * checked from its settings, then the boot error is printed too.
 */
export function registerCheck (program: Command): void {
  program.command('check')
    .description('inspect the project for common problems (add --deploy for production settings and deploy/ files)')
    .option('--deploy', 'also run the deployment checks: secret key, debug, hosts, proxy, database, static files')
    .option('--json', 'print the findings as JSON')
    .option('--fail-level <level>', 'the finding level that makes the command exit 1: ERROR, WARNING or INFO', failLevel, 'ERROR' as FailLevel)
    .addHelpText('after', '\nSilence a finding by id with settings.checks.silence, e.g. [\'database.W003\']. Every id: docs/reference/checks.md.')
    .action(async (opts: CheckOptions) => {
      const settings = await loadProjectSettings({ settings: { logLevel: 'silent' } })
      let app: TaoApp | null = null
      let bootError: unknown = null
      try {
        app = (await loadProject({ settings: { logLevel: 'silent' } })).app
      } catch (err) {
        if (!isTaoError(err)) throw err
        bootError = err
      }
      const pending = opts.deploy && app ? await readPending(app) : undefined
      const report = await runChecks({ settings, root: settings.root, services: app?.services.records ?? [], apps: app?.registry.apps, pendingMigrations: pending }, { deploy: opts.deploy })
      await app?.close()
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report))
      if (bootError) throw bootError
      const failing: readonly string[] = FAIL_LEVELS[opts.failLevel]
      if (report.findings.some((f) => failing.includes(f.level))) process.exitCode = 1
    })
}

/** The pending migrations, or undefined when the database cannot be read (its own checks say why). */
async function readPending (app: TaoApp): Promise<string[] | undefined> {
  try {
    await app.ready()
    return await pendingMigrations(app)
  } catch {
    return undefined
  }
}
