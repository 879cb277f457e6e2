import type { Document } from 'bson'
import type { CursorRegistry } from '../engine/cursors.js'
import type { Store } from '../engine/store.js'
import type { TtlMonitor } from '../engine/ttl.js'

/** What a command handler can use besides its command document. */
export interface CommandContext {
  readonly store: Store
  readonly cursors: CursorRegistry
  /** The TTL monitor, whose knobs `setParameter` and `getParameter` reach. */
  readonly ttl: TtlMonitor
  /** The database the command runs in (`$db`). */
  readonly db: string
  readonly connectionId: number
  /** The encoded documents of array field `name` as the client sent them, when available. */
  rawDocuments (name: string): Uint8Array[] | undefined
}

/** A reply document, or one already encoded (cursor replies carrying stored bytes). */
export type Reply = Document | Uint8Array

/** Runs one command; throws a CommandError to answer `{ ok: 0 }`. */
export type CommandHandler = (cmd: Document, ctx: CommandContext) => Reply
