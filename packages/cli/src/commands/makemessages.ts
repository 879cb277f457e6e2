import { relative } from 'node:path'
import type { Command } from 'commander'
import { makeMessages, taoError } from '@tao/core'
import { loadProject } from '../project.js'

interface MakeMessagesOptions {
  lang?: string[]
}

/**
 * `tao makemessages [--lang fr]`: writes the translatable strings of the project's code and
 * templates into each app's `locales/<lang>.json` (and the project's `locales/`), keeping the
 * translations already there and moving unused ones under "@obsolete".
 */
export function registerMakeMessages (program: Command): void {
  program.command('makemessages')
    .description('extract t() strings of apps and templates into locales/<lang>.json catalogs, keeping translations')
    .option('-l, --lang <tag...>', 'only these languages (default: every language of settings.languages)')
    .action(async (opts: MakeMessagesOptions) => {
      const { app, root } = await loadProject({ settings: { logLevel: 'silent', database: { url: 'memory' } } })
      try {
        const all = app.settings.languages
        for (const lang of opts.lang ?? []) {
          if (!all.includes(lang)) throw taoError('TAO_ERR_I18N_LANGUAGE_UNKNOWN', [lang, all.join(', ')])
        }
        const apps = app.registry.apps.filter((a) => a.origin === 'project')
        for (const u of makeMessages(root, apps, opts.lang ?? all)) {
          process.stdout.write(`${relative(root, u.file)}: ${u.kept + u.added} strings (${u.added} new), ${u.obsolete} obsolete\n`)
        }
      } finally {
        await app.close()
      }
    })
}
