import type { Command } from 'commander'
import { loadProject } from '../project.js'

/** Formats rows as aligned columns. */
export function table (rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n'
}

/** `tao routes`: every route with its method, path, name and app. */
export function registerRoutes (program: Command): void {
  program.command('routes')
    .description('list every route of the project: method, path, name and app')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      const routes = app.registry.routes.map((r) => ({
        method: r.kind === 'ws' ? 'WS' : r.methods.join(','), path: r.path, name: r.name, app: r.app,
      }))
      if (opts.json) process.stdout.write(JSON.stringify(routes, null, 2) + '\n')
      else process.stdout.write(table([['METHOD', 'PATH', 'NAME', 'APP'], ...routes.map((r) => [r.method, r.path, r.name, r.app])]))
      await app.close()
    })
}
