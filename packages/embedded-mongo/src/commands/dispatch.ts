import type { Document } from 'bson'
import { debug } from '../debug.js'
import { asCommandError, CommandError } from '../engine/command-error.js'
import { runWithMaxTime } from '../engine/max-time.js'
import { aggregateCommands } from './aggregate.js'
import { bulkWriteCommands } from './bulk-write.js'
import type { CommandContext, Reply } from './context.js'
import { databaseCommands } from './databases.js'
import { indexCommands } from './indexes.js'
import { parameterCommands } from './parameters.js'
import { readCommands } from './read.js'
import { sessionsOf } from './sessions.js'
import { serverCommands, transactionError } from './server-info.js'
import { updateCommands } from './update.js'
import { writeCommands } from './write.js'

const handlers = new Map(Object.entries({
  ...serverCommands,
  ...databaseCommands,
  ...writeCommands,
  ...updateCommands,
  ...readCommands,
  ...aggregateCommands,
  ...indexCommands,
  ...bulkWriteCommands,
  ...parameterCommands,
}))

// Commands that only read: past their maxTimeMS they fail even when the loops did not see it.
const READS = new Set(['find', 'count', 'distinct', 'aggregate'])

// A standalone mongod refuses any command that carries transaction fields.
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit']

/** The names of every supported command. */
export const supportedCommands: readonly string[] = [...handlers.keys()]

/**
 * Runs one command and returns its reply; failures become MongoDB's `{ ok: 0 }` replies,
 * so nothing a client sends can throw out of here.
 */
export function runCommand (cmd: Document, ctx: CommandContext): Reply {
  const name = Object.keys(cmd)[0] ?? ''
  try {
    const handler = handlers.get(name)
    if (handler === undefined) throw new CommandError('CommandNotFound', `no such command: '${name}'`)
    if (TRANSACTION_FIELDS.some((f) => f in cmd)) throw transactionError()
    if (cmd.lsid !== undefined) sessionsOf(ctx.store).touch(cmd.lsid)
    // maxTimeMS: the long loops stop the command with MaxTimeMSExpired (code 50) at the limit.
    return runWithMaxTime(cmd.maxTimeMS, () => handler(cmd, ctx), READS.has(name))
  } catch (err) {
    if (!(err instanceof CommandError)) debug('command %s failed: %s', name, err instanceof Error ? err.stack : String(err))
    return asCommandError(err).toReply()
  }
}
