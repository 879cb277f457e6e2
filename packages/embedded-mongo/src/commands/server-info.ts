import os from 'node:os'
import { UUID } from 'bson'
import { MAX_BSON_SIZE } from '../engine/collection.js'
import { CommandError } from '../engine/command-error.js'
import type { CommandHandler } from './context.js'
import { sessionsOf } from './sessions.js'

/** MongoDB 8.0's wire version: the driver may then use 8.0's CRUD features (update `sort`). */
export const MAX_WIRE_VERSION = 25
/** Largest message accepted, as advertised in hello. */
export const MAX_MESSAGE_SIZE = 48_000_000
/** The server version reported by buildInfo, matching {@link MAX_WIRE_VERSION}. */
export const SERVER_VERSION = '8.0.0'

const startedAt = Date.now()

function helloReply (legacy: boolean): CommandHandler {
  return (_cmd, ctx) => ({
    // No topologyVersion: the driver then polls hello instead of streaming it (exhaust).
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  })
}

const TRANSACTIONS_UNSUPPORTED = 'Transaction numbers are only allowed on a replica set member or mongos'

/** The error a standalone mongod gives any command that is part of a transaction. */
export function transactionError (): CommandError {
  return new CommandError('IllegalOperation', TRANSACTIONS_UNSUPPORTED)
}

const ok: CommandHandler = () => ({ ok: 1 })

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'tao-embedded',
  versionArray: [8, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_SIZE,
  storageEngines: ['tao-embedded'],
  javascriptEngine: 'none',
  modules: [],
  ok: 1,
})

/** Handshake, sessions and server-information commands. */
export const serverCommands: Record<string, CommandHandler> = {
  hello: helloReply(false),
  isMaster: helloReply(true),
  ismaster: helloReply(true),
  ping: ok,
  endSessions: (cmd, ctx) => {
    sessionsOf(ctx.store).end(cmd.endSessions)
    return { ok: 1 }
  },
  killSessions: ok,
  killAllSessions: ok,
  killAllSessionsByPattern: ok,
  refreshSessions: ok,
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }),
  commitTransaction: () => { throw transactionError() },
  abortTransaction: () => { throw transactionError() },
  buildInfo,
  buildinfo: buildInfo,
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: [], parsed: {}, ok: 1 }),
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, numCores: os.cpus().length, memSizeMB: Math.round(os.totalmem() / 1048576) },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  }),
  serverStatus: () => ({
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'tao-embedded',
    pid: process.pid,
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    localTime: new Date(),
    ok: 1,
  }),
}
