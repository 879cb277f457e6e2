import type { Command } from 'commander'
import { formatReport, isTaoError, pendingMigrations, runChecks, type TaoApp } from '@tao/core'
import { loadProject, loadProjectSettings } from '../project.js'

interface CheckOptions {
  deploy?: boolean
  json?: boolean
}

/**
 * `tao check [--deploy]`: Django-style checks of the project; exit 1 when one is an error. A
 * project whose app cannot even be created (a missing secret key in production, say) is still
 * checked from its settings, then the boot error is printed too.
 */
export function registerCheck (program: Command): void {
  program.command('check')
    .description('inspect the project for common problems (add --deploy for production settings and deploy/ files)')
    .option('--deploy', 'also run the deployment checks: secret key, debug, hosts, proxy, database, static files')
    .option('--json', 'print the findings as JSON')
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
      const report = await runChecks({ settings, root: settings.root, services: app?.services.records ?? [], pendingMigrations: pending }, { deploy: opts.deploy })
      await app?.close()
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report))
      if (bootError) throw bootError
      if (report.findings.some((f) => f.level === 'error')) process.exitCode = 1
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
