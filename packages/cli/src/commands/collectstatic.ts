import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { collectStatic } from '@tao/core'
import { loadProject } from '../project.js'

/** `tao collectstatic [--out DIR]`: every app's static files in one folder, for nginx. */
export function registerCollectStatic (program: Command): void {
  program.command('collectstatic')
    .description('copy the static files of every app and of static/ into one folder (default var/static), with a manifest')
    .option('-o, --out <dir>', 'output folder (default: <project>/var/static)')
    .addHelpText('after', '\nServe the folder at /static/, e.g. nginx: location /static/ { alias /srv/site/var/static/; }')
    .action(async (opts: { out?: string }) => {
      const { app, root } = await loadProject({ settings: { logLevel: 'silent' } })
      try {
        const result = collectStatic(app, { out: opts.out === undefined ? undefined : resolve(opts.out) })
        const shown = relative(process.cwd(), result.out) || '.'
        for (const file of result.copied) process.stdout.write(`copied ${file}\n`)
        for (const file of result.removed) process.stdout.write(`removed ${file}\n`)
        process.stdout.write(`${result.copied.length} copied, ${result.unchanged} unchanged, ${result.removed.length} removed in ${shown} (manifest: ${relative(root, result.out) || '.'}/staticfiles.json)\n`)
      } finally {
        await app.close()
      }
    })
}
