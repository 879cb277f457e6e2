import type { Binary, Document } from 'bson'

/**
 * One change to the store, in the order it happened. Replaying the same sequence on an
 * empty store rebuilds it; `put` and `del` are keyed by `_id`, so replay never duplicates.
 */
export type JournalOp =
  | { op: 'put', ns: string, raw: Uint8Array }
  | { op: 'del', ns: string, id: unknown }
  | { op: 'createCollection', ns: string, options: Document, uuid: Binary }
  | { op: 'dropCollection', ns: string }
  | { op: 'createIndex', ns: string, spec: Document }
  | { op: 'dropIndex', ns: string, name: string }
  | { op: 'rename', ns: string, to: string }

/** Where the engine sends its changes; the disk storage implements it, memory mode has none. */
export interface Journal {
  write (op: JournalOp): void
}
