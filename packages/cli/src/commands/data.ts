import { resolve } from 'node:path'
import type { Command } from 'commander'
import { dumpData, loadDataFile } from '@tao/core'
import { loadProject } from '../project.js'

/** `tao dumpdata [app:model|app ...]`: the documents of models as Extended JSON on stdout. */
export function registerDumpData (program: Command): void {
  program.command('dumpdata')
    .description('print the documents of models (default: all) as MongoDB Extended JSON, for `tao loaddata`')
    .argument('[models...]', "models ('blog:posts') or apps ('blog')")
    .action(async (names: string[]) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent', migrations: { autoIndexes: false } } })
      try {
        await app.ready()
        process.stdout.write(await dumpData(app, names))
      } finally {
        await app.close()
      }
    })
}

/** `tao loaddata FILE...`: loads fixtures, each document checked against its model first. */
export function registerLoadData (program: Command): void {
  program.command('loaddata')
    .description('load fixture files written by `tao dumpdata` (documents are checked against their models; one with an _id replaces it)')
    .argument('<files...>', 'fixture files')
    .action(async (files: string[]) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent', migrations: { autoIndexes: false } } })
      try {
        await app.ready()
        for (const file of files) {
          const counts = await loadDataFile(app, resolve(file))
          const total = Object.values(counts).reduce((a, b) => a + b, 0)
          process.stdout.write(`Loaded ${total} document(s) from ${file}: ${Object.entries(counts).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}\n`)
        }
      } finally {
        await app.close()
      }
    })
}
