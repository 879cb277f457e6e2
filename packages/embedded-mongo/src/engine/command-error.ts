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
  MaxTimeMSExpired: 50,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  ViewDepthLimitExceeded: 149,
  InvalidIndexSpecificationOption: 197,
  ConversionFailure: 241,
  GraphContainsCycle: 150,
  CommandNotSupportedOnView: 166,
  InvalidPipelineOperator: 168,
  OptionNotSupportedOnView: 167,
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

  constructor (codeName: ErrorCodeName | number, errmsg: string, extra: Document = {}) {
    super(errmsg)
    this.code = typeof codeName === 'number' ? codeName : ErrorCodes[codeName]
    this.codeName = typeof codeName === 'number' ? `Location${codeName}` : codeName
    this.extra = extra
  }

  /**
   * An error MongoDB raises by its source location (`uassert(40324, ...)`); its codeName is
   * `Location<code>`, e.g. unknown fields (40415) and unknown pipeline stages (40324).
   */
  static location (code: number, errmsg: string): CommandError {
    return new CommandError(code, errmsg)
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
  for (const [pattern, make] of MINGO_ERRORS) {
    const m = pattern.exec(message)
    if (m !== null) return make(m[1] ?? '')
  }
  return new CommandError('BadValue', message)
}

// mingo's words for unknown names, and the error MongoDB gives for each.
const MINGO_ERRORS: Array<[RegExp, (name: string) => CommandError]> = [
  [/^unregistered pipeline operator (\$\w+)/, (n) => CommandError.location(40324, `Unrecognized pipeline stage name: '${n}'`)],
  [/^unknown query operator (\$\w+)/, (n) => new CommandError('BadValue', `unknown operator: ${n}`)],
  [/^unknown top level operator: (\$\w+)/, (n) => new CommandError('BadValue', `unknown top level operator: ${n}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`)],
  [/^accumulator '(\$\w+)' is not registered/, (n) => new CommandError('InvalidPipelineOperator', `Unrecognized expression '${n}'`)],
  [/^Use of undefined variable: (\w+)/, (n) => CommandError.location(17276, `Use of undefined variable: ${n}`)],
]
