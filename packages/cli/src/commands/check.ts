import type { Command } from 'commander'
import { formatReport, runChecks } from '@tao/core'
import { loadProject } from '../project.js'

interface CheckOptions {
  deploy?: boolean
  json?: boolean
}

/** `tao check [--deploy]`: Django-style checks of the project; exit 1 when one is an error. */
export function registerCheck (program: Command): void {
  program.command('check')
    .description('inspect the project for common problems (add --deploy for production settings and deploy/ files)')
    .option('--deploy', 'also run the deployment checks: secret key, debug, hosts, proxy, database, static files')
    .option('--json', 'print the findings as JSON')
    .addHelpText('after', '\nSilence a finding by id with settings.checks.silence, e.g. [\'database.W001\']. Every id: docs/reference/checks.md.')
    .action(async (opts: CheckOptions) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      const report = await runChecks({ settings: app.settings, root: app.settings.root, services: app.services.records }, { deploy: opts.deploy })
      await app.close()
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report))
      if (report.findings.some((f) => f.level === 'error')) process.exitCode = 1
    })
}
