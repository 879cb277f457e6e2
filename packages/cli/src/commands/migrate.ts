import type { Command } from 'commander'
import { listMigrations, makeMigration, migrate, rollback } from '@tao/core'
import { loadProject } from '../project.js'
import { table } from './routes.js'

interface MigrateOptions {
  list?: boolean
  prune?: boolean
  rollback?: boolean
}

const out = (line: string) => process.stdout.write(`${line}\n`)

/**
 * `tao migrate [--list] [--prune] [--rollback]`: applies the pending migrations under the
 * database's lock, then creates the models' indexes; `--list` shows what is applied.
 */
export function registerMigrate (program: Command): void {
  program.command('migrate')
    .description('apply pending migrations (apps/<app>/migrations) in order, then create the indexes the models declare')
    .option('--list', 'list every migration, applied or pending, and change nothing')
    .option('--prune', 'also drop indexes of the models\' collections that no model declares')
    .option('--rollback', 'revert the last applied migration with its down()')
    .action(async (opts: MigrateOptions) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent', migrations: { autoIndexes: false } } })
      try {
        await app.ready()
        if (opts.list) {
          const list = await listMigrations(app)
          if (list.length === 0) out('No migrations.')
          else process.stdout.write(table([['STATUS', 'MIGRATION', 'APPLIED'], ...list.map((m) => [m.appliedAt ? '[X]' : '[ ]', m.name, m.appliedAt?.toISOString() ?? 'pending'])]))
          return
        }
        if (opts.rollback) {
          const name = await rollback(app, { log: (m) => out(`  ${m}`) })
          out(name ? `Reverted ${name}.` : 'No applied migration to revert.')
          return
        }
        const report = await migrate(app, { prune: opts.prune, log: (m) => out(`  ${m}`) })
        out(report.applied.length === 0 ? 'No migrations to apply.' : `Applied ${report.applied.length} migration(s).`)
        out(`Indexes: ${report.indexes.ensured.length} declared, all present.`)
        for (const name of report.indexes.dropped) out(`  dropped index ${name} (declared by no model)`)
        for (const name of report.indexes.undeclared.filter((n) => !report.indexes.dropped.includes(n))) {
          out(`  index ${name} is declared by no model; run \`tao migrate --prune\` to drop it`)
        }
      } finally {
        await app.close()
      }
    })
}

/** `tao makemigration APP NAME`: writes an empty migration, numbered after the app's last one. */
export function registerMakeMigration (program: Command): void {
  program.command('makemigration')
    .description('write an empty migration apps/<app>/migrations/NNNN_<name>.ts')
    .argument('<app>', 'the project app it belongs to')
    .argument('<name>', 'a snake_case name, such as add_published_flag')
    .action(async (appName: string, name: string) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      try {
        out(`Created ${makeMigration(app.registry, appName, name)}`)
      } finally {
        await app.close()
      }
    })
}
