import type { Document } from 'bson'

/** MongoDB's own error codes, as the driver and applications see them. */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  DuplicateKey: 11000,
} as const

/** A MongoDB error code name, e.g. `DuplicateKey`. */
export type ErrorCodeName = keyof typeof ErrorCodes

/**
 * A command failure answered to the client as `{ ok: 0, errmsg, code, codeName }`, or as a
 * write error inside a successful write reply. Never escapes to the embedding application.
 */
export class CommandError extends Error {
  override name = 'CommandError'
  readonly code: number
  readonly codeName: string
  readonly extra: Document

  constructor (codeName: ErrorCodeName, errmsg: string, extra: Document = {}) {
    super(errmsg)
    this.code = ErrorCodes[codeName]
    this.codeName = codeName
    this.extra = extra
  }

  /** The reply document of a failed command. */
  toReply (): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra }
  }

  /** The entry of a `writeErrors` array. */
  toWriteError (index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra }
  }
}

/** Wraps anything thrown by a command (mingo errors included) as a {@link CommandError}. */
export function asCommandError (err: unknown): CommandError {
  if (err instanceof CommandError) return err
  const message = err instanceof Error ? err.message : String(err)
  // mingo reports conflicting update paths in its own words; MongoDB has a dedicated code.
  if (/would modify the immutable field/.test(message)) return new CommandError('ImmutableField', message.replace(/\.$/, ''))
  if (/would create a conflict at/i.test(message)) {
    return new CommandError('ConflictingUpdateOperators', message.replace(/^updating/, 'Updating'))
  }
  return new CommandError('BadValue', message)
}
