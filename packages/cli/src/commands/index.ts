import type { Command } from 'commander'

/** A `tao` command: its name and summary for `tao --help`, and the module that registers it. */
export interface CommandEntry {
  name: string
  /** One line shown by `tao --help` (the full help comes from the loaded module). */
  summary: string
  /** Imports the command's module and returns its register function; only run when needed. */
  load: () => Promise<(program: Command) => void>
}

/**
 * Every `tao` command, in the order `tao --help` lists them. A command's module (and what it
 * imports: @tao/core, Fastify, tsx) is loaded only when that command runs, so `tao --version`
 * and `tao --help` stay fast. To add a command, write `src/commands/<name>.ts` exporting
 * `register<Name>(program)` and add one row here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'new', summary: 'create a project (-p NAME) in a new folder, or an app (-a NAME) inside the current project', load: async () => (await import('./new.js')).registerNew },
  { name: 'dev', summary: 'run the development server: debug on, restarted when code changes, templates re-read on each request', load: async () => (await import('./dev.js')).registerDev },
  { name: 'start', summary: 'run the production server (compiled output of `tao build` when present, else the TypeScript sources)', load: async () => (await import('./start.js')).registerStart },
  { name: 'build', summary: 'type-check and compile the project into build/ so `tao start` runs plain JavaScript', load: async () => (await import('./build.js')).registerBuild },
  { name: 'routes', summary: 'list every route of the project: method, path, name and app', load: async () => (await import('./routes.js')).registerRoutes },
  { name: 'types', summary: 'generate .tao/routes.d.ts, so url() and reply.redirectTo() reject unknown route names at compile time', load: async () => (await import('./types.js')).registerTypes },
  { name: 'test', summary: "run the project's tests (apps/*/test, test/) with Node's test runner", load: async () => (await import('./test.js')).registerTest },
  { name: 'check', summary: 'inspect the project for common problems (add --deploy for production settings and deploy/ files)', load: async () => (await import('./check.js')).registerCheck },
  { name: 'collectstatic', summary: 'copy the static files of every app and of static/ into one folder (default var/static), with a manifest', load: async () => (await import('./collectstatic.js')).registerCollectStatic },
  { name: 'migrate', summary: 'apply pending migrations (apps/<app>/migrations) in order, then create the indexes the models declare', load: async () => (await import('./migrate.js')).registerMigrate },
  { name: 'makemigration', summary: 'write an empty migration apps/<app>/migrations/NNNN_<name>.ts', load: async () => (await import('./migrate.js')).registerMakeMigration },
  { name: 'models', summary: 'list every model of the project: name, collection, fields and indexes', load: async () => (await import('./models.js')).registerModels },
  { name: 'dumpdata', summary: 'print the documents of models (default: all) as MongoDB Extended JSON, for `tao loaddata`', load: async () => (await import('./data.js')).registerDumpData },
  { name: 'loaddata', summary: 'load fixture files written by `tao dumpdata`, checked against their models', load: async () => (await import('./data.js')).registerLoadData },
  { name: 'createuser', summary: 'create a user of the auth app (asks on a terminal; the password is never echoed)', load: async () => (await import('./createuser.js')).registerCreateUser },
  { name: 'changepassword', summary: "set a user's password (asked on a terminal, never echoed); the user's logins end", load: async () => (await import('./changepassword.js')).registerChangePassword },
  { name: 'makemessages', summary: 'extract t() strings of apps and templates into locales/<lang>.json catalogs, keeping translations', load: async () => (await import('./makemessages.js')).registerMakeMessages },
  { name: 'shell', summary: 'an interactive Node REPL with the project loaded: settings, apps, models, a connected db, url(), render()', load: async () => (await import('./shell.js')).registerShell },
  { name: 'upgrade', summary: "replace the project's vendored copy of tao (vendor/) with the one of this tao", load: async () => (await import('./upgrade.js')).registerUpgrade },
]

/** Other frameworks' names for tao's commands, so `tao runserver` points at `tao dev`. */
export const ALIASES: Readonly<Record<string, string>> = {
  runserver: 'dev',
  serve: 'dev',
  server: 'dev',
  startproject: 'new -p NAME',
  startapp: 'new -a NAME',
  init: 'new -p NAME',
  create: 'new -p NAME',
  generate: 'new -a NAME',
  compile: 'build',
  urls: 'routes',
  show_urls: 'routes',
  lint: 'check',
  collect: 'collectstatic',
  update: 'upgrade',
  migrations: 'migrate',
  makemigrations: 'makemigration',
  createsuperuser: 'createuser --superuser',
  console: 'shell',
  repl: 'shell',
}
