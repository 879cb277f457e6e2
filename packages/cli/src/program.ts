import { Command, CommanderError } from 'commander'
import { cliVersion } from './cli-dir.js'
import { COMMANDS } from './commands/index.js'
import { suggestCommand } from './suggest.js'

/** The first word of `args` that is not an option: the command asked for. */
function commandWord (args: string[]): string | undefined {
  const i = args.findIndex((a) => !a.startsWith('-'))
  if (i < 0) return undefined
  // `tao help new` shows the full help of `new`, so `new` is the one to load.
  return args[i] === 'help' && args[i + 1] !== undefined ? args[i + 1] : args[i]
}

/**
 * The `tao` program. Every command of the table in `commands/index.ts` is listed; only the
 * ones named in `load` ('all' for every one) have their module imported and their options
 * registered, the others are a name and a summary for `tao --help`.
 */
export async function buildProgram (load: 'all' | string | null = 'all'): Promise<Command> {
  const program = new Command('tao')
    .description('tao: a Django-style modular web framework for TypeScript on Fastify')
    .version(cliVersion(), '-v, --version', 'print the version of tao')
    .showHelpAfterError('(run `tao --help` for usage)')
    .exitOverride()
  for (const entry of COMMANDS) {
    if (load === 'all' || load === entry.name) (await entry.load())(program)
    else program.command(entry.name).description(entry.summary)
  }
  return program
}

/** Prints a TaoError as one line (`tao: message [CODE]`) and returns its exit code; null if `err` is none. */
async function reportTaoError (err: unknown): Promise<number | null> {
  // @tao/core is loaded here, not at the top: `tao --version` must not pay for it.
  const { isTaoError } = await import('@tao/core')
  if (!isTaoError(err)) return null
  process.stderr.write(`tao: ${err.message} [${err.code}]\n`)
  return err.statusCode === 2 ? 2 : 1
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 bad usage or refused input. */
export async function run (argv: string[]): Promise<number> {
  const word = commandWord(argv.slice(2))
  if (word !== undefined && word !== 'help' && !COMMANDS.some((c) => c.name === word)) {
    const guess = suggestCommand(word)
    process.stderr.write(`tao: unknown command '${word}'.${guess ? ` Did you mean \`tao ${guess}\`?` : ''} Run \`tao --help\` for the list of commands.\n`)
    return 2
  }
  try {
    await (await buildProgram(word ?? null)).parseAsync(argv)
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
    const code = await reportTaoError(err)
    if (code !== null) return code
    process.stderr.write(`tao: ${(err as Error).stack ?? String(err)}\n`)
    return 1
  }
}

/**
 * Runs the CLI with `argv` and sets the process's exit code. A failed command exits at once:
 * handles left open (an IPC channel to a cluster primary, a service's timer) must not keep a
 * failed process alive.
 */
export async function runAndExit (argv: string[]): Promise<void> {
  const code = await run(argv)
  if (code !== 0) process.exit(code)
  process.exitCode = code
}
