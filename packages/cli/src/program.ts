import { Command, CommanderError } from 'commander'
import { isTaoError } from '@tao/core'
import { registerBuild } from './commands/build.js'
import { registerCheck } from './commands/check.js'
import { registerChangePassword } from './commands/changepassword.js'
import { registerCollectStatic } from './commands/collectstatic.js'
import { registerCreateUser } from './commands/createuser.js'
import { registerDumpData, registerLoadData } from './commands/data.js'
import { registerDev } from './commands/dev.js'
import { registerMakeMigration, registerMigrate } from './commands/migrate.js'
import { registerModels } from './commands/models.js'
import { registerNew } from './commands/new.js'
import { registerRoutes } from './commands/routes.js'
import { registerStart } from './commands/start.js'
import { registerTest } from './commands/test.js'
import { registerTypes } from './commands/types.js'
import { cliVersion } from './paths.js'

/** The `tao` program with every command registered. */
export function buildProgram (): Command {
  const program = new Command('tao')
    .description('tao: a Django-style modular web framework for TypeScript on Fastify')
    .version(cliVersion(), '-v, --version', 'print the version of tao')
    .showHelpAfterError('(run `tao --help` for usage)')
    .exitOverride()
  registerNew(program)
  registerDev(program)
  registerStart(program)
  registerBuild(program)
  registerRoutes(program)
  registerTypes(program)
  registerTest(program)
  registerCheck(program)
  registerCollectStatic(program)
  registerCreateUser(program)
  registerChangePassword(program)
  registerMigrate(program)
  registerMakeMigration(program)
  registerModels(program)
  registerDumpData(program)
  registerLoadData(program)
  return program
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 bad usage or refused input. */
export async function run (argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
    if (isTaoError(err)) {
      process.stderr.write(`tao: ${err.message} [${err.code}]\n`)
      return err.statusCode === 2 ? 2 : 1
    }
    process.stderr.write(`tao: ${(err as Error).stack ?? String(err)}\n`)
    return 1
  }
}
