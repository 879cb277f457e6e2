import type { Socket } from 'node:net'
import type { Document } from 'bson'
import { decode, decodeCommand, encode, rawArrayField } from './bson/codec.js'
import type { CommandContext, Reply } from './commands/context.js'
import { runCommand } from './commands/dispatch.js'
import { sessionsOf } from './commands/sessions.js'
import { MAX_MESSAGE_SIZE } from './commands/server-info.js'
import { debug } from './debug.js'
import { CommandError } from './engine/command-error.js'
import type { CursorRegistry } from './engine/cursors.js'
import type { Store } from './engine/store.js'
import type { TtlMonitor } from './engine/ttl.js'
import { isPlainObject } from './engine/values.js'
import { MessageFramer, OP_MSG, OP_QUERY, ProtocolError } from './wire/framing.js'
import { encodeOpMsg, MORE_TO_COME, parseOpMsg } from './wire/op-msg.js'
import { encodeOpReply, parseOpQuery } from './wire/op-query.js'

/** What every connection of a server shares. */
export interface ServerState {
  readonly store: Store
  readonly cursors: CursorRegistry
  readonly ttl: TtlMonitor
  /** The disk journal, when the store is durable. */
  readonly journal: { readonly appended: number, sync (): Promise<void> } | undefined
  nextRequestId (): number
}

/** A parsed request: its command and how to answer it. */
export interface Request {
  cmd: Document
  db: string
  moreToCome: boolean
  rawDocuments: (name: string) => Uint8Array[] | undefined
  reply: (doc: Uint8Array) => Buffer
}

function parseRequest (msg: Buffer, state: ServerState): Request {
  // Only the opcode and the request id matter here: read them, not the whole header.
  const opCode = msg.readInt32LE(12)
  const requestId = msg.readInt32LE(4)
  if (opCode === OP_MSG) {
    const req = parseOpMsg(msg)
    const cmd = decodeCommand(req.body, (bytes, start, end) => { sessionsOf(state.store).touchEncoded(bytes, start, end) })
    for (const [id, docs] of req.sequences) cmd[id] = docs.map(decode)
    return {
      cmd,
      db: typeof cmd.$db === 'string' ? cmd.$db : 'admin',
      moreToCome: (req.flags & MORE_TO_COME) !== 0,
      rawDocuments: (name) => req.sequences.get(name) ?? rawArrayField(req.body, name),
      reply: (doc) => encodeOpMsg(state.nextRequestId(), requestId, doc),
    }
  }
  if (opCode === OP_QUERY) {
    const req = parseOpQuery(msg)
    let cmd = decode(req.query)
    if (isPlainObject(cmd.$query)) cmd = cmd.$query
    return {
      cmd,
      db: req.collection.split('.')[0] ?? 'admin',
      moreToCome: false,
      rawDocuments: () => undefined,
      reply: (doc) => encodeOpReply(state.nextRequestId(), requestId, doc),
    }
  }
  // OP_COMPRESSED is never negotiated (hello advertises no compressors); legacy CRUD opcodes are gone from drivers.
  throw new ProtocolError(`unsupported opcode ${opCode}`)
}

/** A command run, its reply still to be sent: `durable` says a journal sync must come first. */
export interface Executed {
  readonly request: Request
  reply: Reply
  readonly durable: boolean
}

/** Parses one whole message and runs its command (the synchronous part of serving it). */
export function execute (msg: Buffer, connectionId: number, state: ServerState): Executed {
  const request = parseRequest(msg, state)
  const ctx: CommandContext = { store: state.store, cursors: state.cursors, ttl: state.ttl, db: request.db, connectionId, rawDocuments: request.rawDocuments }
  const before = state.journal?.appended ?? 0
  const reply = runCommand(request.cmd, ctx)
  return { request, reply, durable: state.journal !== undefined && state.journal.appended > before }
}

/** The reply message of an executed command. */
export function replyMessage (done: Executed): Buffer {
  return done.request.reply(done.reply instanceof Uint8Array ? done.reply : encode(done.reply))
}

/**
 * Serves one client connection: messages are handled one at a time, in order; a write is
 * acknowledged only after the journal has made it durable.
 */
export function serveConnection (socket: Socket, connectionId: number, state: ServerState): void {
  const framer = new MessageFramer(MAX_MESSAGE_SIZE + 16 * 1024)
  let queue = Promise.resolve()
  socket.setNoDelay(true)

  const handle = async (msg: Buffer): Promise<void> => {
    if (socket.destroyed) return
    const done = execute(msg, connectionId, state)
    if (done.durable && state.journal !== undefined) {
      try {
        await state.journal.sync()
      } catch (err) {
        done.reply = new CommandError('InternalError', (err as Error).message).toReply()
      }
    }
    if (done.request.moreToCome || socket.destroyed) return
    socket.write(replyMessage(done))
  }

  socket.on('data', (chunk: Buffer) => {
    let messages: Buffer[]
    try {
      messages = framer.push(chunk)
    } catch (err) {
      debug('connection %d: %s', connectionId, (err as Error).message)
      socket.destroy()
      return
    }
    for (const msg of messages) {
      queue = queue.then(() => handle(msg)).catch((err: unknown) => {
        debug('connection %d closed: %s', connectionId, err instanceof Error ? err.stack : String(err))
        socket.destroy()
      })
    }
  })
  socket.on('error', (err) => { debug('connection %d error: %s', connectionId, err.message) })
}
