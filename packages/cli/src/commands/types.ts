import { relative } from 'node:path'
import type { Command } from 'commander'
import { writeRouteTypes } from '@tao/core'
import { loadProject } from '../project.js'

/** Writes .tao/routes.d.ts for the project; returns its path. */
export async function generateTypes (): Promise<string> {
  const { app, root } = await loadProject({ source: true, settings: { logLevel: 'silent' } })
  const file = await writeRouteTypes(root, app.registry.routes)
  await app.close()
  return file
}

/** `tao types`: the declaration file that types url() and redirectTo() by route name. */
export function registerTypes (program: Command): void {
  program.command('types')
    .description('generate .tao/routes.d.ts, so url() and reply.redirectTo() reject unknown route names and missing parameters at compile time')
    .action(async () => {
      const file = await generateTypes()
      process.stdout.write(`wrote ${relative(process.cwd(), file)}\n`)
    })
}
