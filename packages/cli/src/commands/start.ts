import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Command } from 'commander'
import { DATABASE_URL_ENV, isDatabaseUnavailableError, pendingMigrations, runChecks, runningBundled, runPrimary, serve, startSharedDatabase, taoError, type TaoApp } from '@tao/core'
import { DEV_CHILD_ENV, serveBootError } from '../dev-error-page.js'
import { findProject } from '../paths.js'
import { loadProject, loadProjectSettings } from '../project.js'

interface StartOptions {
  port?: string
  host?: string
  socket?: string
  socketMode?: string
  workers?: string
  source?: boolean
}

function parsePort (value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--port', value, 'a number from 0 to 65535'])
  return port
}

/** '660', '0660' or '0o660' → 0o660. */
export function parseSocketMode (value: string): number {
  const m = /^(?:0o?)?([0-7]{3})$/.exec(value)
  if (!m) throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--socket-mode', value, 'an octal file mode such as 660 or 0o660'])
  return parseInt(m[1]!, 8)
}

/** '4' → 4, 'auto' → the number of cores. */
export function parseWorkers (value: string | number): number {
  if (value === 'auto') return availableParallelism()
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 256) throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--workers', String(value), "a number of workers from 1 to 256, or 'auto' (one per core)"])
  return n
}

/** Logs `tao check` findings at start (deployment checks too when debug is off). */
async function logChecks (app: TaoApp): Promise<void> {
  const { findings } = await runChecks({ settings: app.settings, root: app.settings.root, services: app.services.records }, { deploy: !app.settings.debug, atStart: true })
  for (const f of findings) {
    app.fastify.log[f.level === 'error' ? 'error' : 'warn']({ check: f.id, hint: f.hint }, `check ${f.id}: ${f.msg}`)
  }
}

/**
 * Refuses a production start (debug off) while migrations are pending, unless
 * settings.migrations.allowPending. A database that cannot be reached now is not a reason to
 * refuse: the app starts and answers 503 until it is back (settings.database.requireOnStart).
 */
async function refusePendingMigrations (app: TaoApp): Promise<void> {
  if (app.settings.debug || app.settings.migrations.allowPending) return
  let pending: string[]
  try {
    await app.ready()
    pending = await pendingMigrations(app)
  } catch (err) {
    if (!isDatabaseUnavailableError(err)) throw err
    app.fastify.log.warn('could not read the applied migrations: the database is unavailable')
    return
  }
  if (pending.length === 0) return
  await app.close()
  throw taoError('TAO_ERR_MIGRATION_PENDING', [pending])
}

/** Starts the project's server in this process (or as a cluster worker) until SIGTERM/SIGINT. */
export async function startServer (opts: StartOptions & { dev?: boolean }): Promise<void> {
  const project = await loadProject({ source: opts.source, settings: opts.dev ? { debug: true } : undefined })
  const { app } = project
  if (app.settings.debug) {
    const { writeRouteTypes } = await import('@tao/core')
    await writeRouteTypes(project.root, app.registry.routes)
  }
  await refusePendingMigrations(app)
  const worker = cluster.isWorker ? process.env.TAO_WORKER_ID ?? '?' : null
  if (worker === null || worker === '1') await logChecks(app)
  await serve(app, {
    port: opts.port === undefined ? undefined : parsePort(opts.port),
    host: opts.host,
    socket: opts.socket,
    socketMode: opts.socketMode === undefined ? undefined : parseSocketMode(opts.socketMode),
    onListen: (address) => {
      if (worker !== null) {
        process.stdout.write(`tao: worker ${worker} (pid ${process.pid}) listening\n`)
        return
      }
      const apps = app.registry.apps.filter((a) => a.origin !== 'builtin').map((a) => a.name).join(', ')
      const how = project.compiled ? `compiled build${runningBundled() ? ', server bundle' : ''}` : 'TypeScript sources'
      process.stdout.write(`tao: serving ${address} (apps: ${apps || 'none'}; ${how}${app.settings.debug ? '; debug on' : ''})\n`)
    },
  })
}

/**
 * The cluster primary when workers are asked for (--workers, TAO_WORKERS or
 * settings.server.workers, debug off); resolves with its exit code, or null to serve here.
 */
async function startPrimary (opts: StartOptions): Promise<number | null> {
  if (!cluster.isPrimary) return null
  const settings = await loadProjectSettings({ source: opts.source })
  const setting = opts.workers ?? settings.server.workers
  if (setting === undefined || (settings.debug && opts.workers === undefined)) return null
  const workers = parseWorkers(setting)
  const log = {
    info: (msg: string) => process.stdout.write(`tao: ${msg}\n`),
    warn: (msg: string) => process.stderr.write(`tao: ${msg}\n`),
    error: (msg: string) => process.stderr.write(`tao: ${msg}\n`),
  }
  if (opts.port !== undefined) parsePort(opts.port)
  if (opts.socketMode !== undefined) parseSocketMode(opts.socketMode)
  // The embedded store has one owner: the primary runs it and gives its URL to the workers.
  const shared = await startSharedDatabase(settings, log.warn)
  try {
    return await runPrimary({
      workers,
      socket: opts.socket ?? settings.server.socket,
      stopTimeout: settings.server.shutdownTimeout * 2 + 60_000,
      workerMaxMemory: settings.server.workerMaxMemory,
      log,
      env: shared ? { ...process.env, [DATABASE_URL_ENV]: shared.url } : process.env,
      onServing: (address) => log.info(`serving ${address} (${workers} worker${workers === 1 ? '' : 's'}, primary pid ${process.pid}; SIGHUP restarts them one at a time)`),
    })
  } finally {
    await shared?.close()
  }
}

/** The port the project would listen on, when its settings may not even load. */
async function devPort (opts: StartOptions): Promise<number> {
  if (opts.port !== undefined) return parsePort(opts.port)
  try {
    return (await loadProjectSettings({ source: true })).server.port
  } catch {
    return process.env.TAO_PORT ? parsePort(process.env.TAO_PORT) : 8080
  }
}

/** `tao start`: the production server. */
export function registerStart (program: Command): void {
  program.command('start')
    .description('run the production server (compiled output of `tao build` when present, else the TypeScript sources)')
    .option('--port <port>', 'port to listen on (default: settings.server.port, TAO_PORT, 8080)')
    .option('--host <host>', 'address to listen on (default: settings.server.host, TAO_HOST, 127.0.0.1)')
    .option('--socket <path>', 'listen on this unix socket instead of a port (a stale socket file is removed)')
    .option('--socket-mode <mode>', 'file mode of the socket, octal, e.g. 660 (default: settings.server.socketMode)')
    .option('--workers <n>', "fork N worker processes, or 'auto' for one per core (default: settings.server.workers, TAO_WORKERS; none: one process)")
    .option('--source', 'run the TypeScript sources even when a build exists')
    .option('--no-bundle', 'run the build module by module, without the server bundle `tao build` made (build/.tao-server)')
    .addHelpText('after', '\nSignals: SIGTERM/SIGINT drain requests, stop services and exit 0; with workers, SIGHUP restarts them one at a time; SIGUSR2 is ignored. See docs/deployment.md.')
    .action(async (opts: StartOptions) => {
      try {
        const code = await startPrimary(opts)
        if (code !== null) process.exit(code)
        await startServer(opts)
      } catch (err) {
        // Under `tao dev`, a project that does not compile still answers: with its error.
        if (process.env[DEV_CHILD_ENV] !== '1' || cluster.isWorker) throw err
        await serveBootError(err, findProject(), await devPort(opts), opts.host ?? process.env.TAO_HOST ?? '127.0.0.1')
      }
    })
}
