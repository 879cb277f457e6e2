import type { Command } from 'commander'
import { serve } from '@tao/core'
import { loadProject } from '../project.js'

interface StartOptions {
  port?: string
  host?: string
  socket?: string
  source?: boolean
}

function parsePort (value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got '${value}'`)
  return port
}

/** Starts the project's server in this process until SIGTERM/SIGINT. */
export async function startServer (opts: StartOptions & { dev?: boolean }): Promise<void> {
  const project = await loadProject({ source: opts.source, settings: opts.dev ? { debug: true } : undefined })
  const { app } = project
  if (app.settings.debug) {
    const { writeRouteTypes } = await import('@tao/core')
    await writeRouteTypes(project.root, app.registry.routes)
  }
  await serve(app, {
    port: opts.port === undefined ? undefined : parsePort(opts.port),
    host: opts.host,
    socket: opts.socket,
    onListen: (address) => {
      const apps = app.registry.apps.filter((a) => a.origin !== 'builtin').map((a) => a.name).join(', ')
      const how = project.compiled ? 'compiled build' : 'TypeScript sources'
      process.stdout.write(`tao: serving ${address} (apps: ${apps || 'none'}; ${how}${app.settings.debug ? '; debug on' : ''})\n`)
    },
  })
}

/** `tao start`: the production server. */
export function registerStart (program: Command): void {
  program.command('start')
    .description('run the production server (compiled output of `tao build` when present, else the TypeScript sources)')
    .option('--port <port>', 'port to listen on (default: settings.server.port, TAO_PORT, 8080)')
    .option('--host <host>', 'address to listen on (default: settings.server.host, TAO_HOST, 127.0.0.1)')
    .option('--socket <path>', 'listen on this unix socket instead of a port')
    .option('--source', 'run the TypeScript sources even when a build exists')
    .action(async (opts: StartOptions) => {
      await startServer(opts)
    })
}
