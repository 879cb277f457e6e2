import type { Command } from 'commander'
import { loadProject } from '../project.js'
import { table } from './routes.js'

/** `tao models`: every model with its collection, fields and indexes. */
export function registerModels (program: Command): void {
  program.command('models')
    .description('list every model of the project: name, collection, fields and indexes')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      const models = [...app.models.values()].map((m) => ({
        name: m.name,
        app: m.app,
        collection: m.collectionName,
        fields: Object.keys((m.schema as { properties?: object }).properties ?? {}),
        indexes: m.indexes.map((i) => `${JSON.stringify(i.key)}${i.unique ? ' unique' : ''}`),
      }))
      if (opts.json) process.stdout.write(JSON.stringify(models, null, 2) + '\n')
      else if (models.length === 0) process.stdout.write('No models (declare them in apps/<app>/models.ts).\n')
      else process.stdout.write(table([['MODEL', 'COLLECTION', 'FIELDS', 'INDEXES'], ...models.map((m) => [m.name, m.collection, m.fields.join(', '), m.indexes.join('; ') || '-'])]))
      await app.close()
    })
}
