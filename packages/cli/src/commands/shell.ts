import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import repl from 'node:repl'
import type { Command } from 'commander'
import { ObjectId, type TaoApp } from '@tao/core'
import { loadProject } from '../project.js'

interface ShellOptions {
  command?: string
}

/** What the shell (and `tao shell -c`) has in scope. */
function shellScope (app: TaoApp): Record<string, unknown> {
  const models = (app as unknown as { models?: unknown }).models
  return {
    app,
    settings: app.settings,
    apps: Object.fromEntries(app.registry.apps.map((a) => [a.name, a])),
    models: models instanceof Map ? Object.fromEntries(models) : {},
    db: app.db,
    mongo: app.mongo,
    url: app.url.bind(app),
    render: app.render.bind(app),
    ObjectId,
  }
}

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

// An async function, so the code may use await at its top level, like the REPL.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>

/**
 * `tao shell`: Node's REPL (top-level await included) with the project loaded, like Django's
 * `manage.py shell`: `app`, `settings`, `apps`, `models`, a connected `db`, `url()`,
 * `render()` and `ObjectId`. History is kept per project in `var/shell_history`.
 * `tao shell -c CODE`, or code piped on standard input, runs that code and exits (non-zero when
 * it throws), waiting for what it awaits.
 */
export function registerShell (program: Command): void {
  program.command('shell')
    .description('an interactive Node REPL with the project loaded: settings, apps, models, a connected db, url(), render()')
    .option('-c, --command <code>', 'run this code (await allowed) with the same names in scope, then exit')
    .action(async (opts: ShellOptions) => {
      const { app, root } = await loadProject({ settings: { logLevel: 'error' } })
      try {
        await app.ready()
        const scope = shellScope(app)
        const interactive = opts.command === undefined && process.stdin.isTTY === true
        if (!interactive) {
          const code = opts.command ?? await readStdin()
          await new AsyncFunction(...Object.keys(scope), code)(...Object.values(scope))
          return
        }
        process.stdout.write(`tao shell: ${Object.keys(scope).join(', ')} are ready; .exit or Ctrl-D to leave.\n`)
        const server = repl.start({ prompt: 'tao> ', useGlobal: false, ignoreUndefined: true })
        Object.assign(server.context, scope)
        mkdirSync(join(root, 'var'), { recursive: true })
        server.setupHistory(join(root, 'var', 'shell_history'), () => {})
        await new Promise<void>((resolve) => server.once('exit', resolve))
      } finally {
        await app.close()
      }
    })
}
