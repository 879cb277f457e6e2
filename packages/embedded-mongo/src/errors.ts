/** Every code an {@link EmbeddedMongoError} can carry; tao core lists these in its error registry and docs. */
export const embeddedErrorCodes = [
  'TAO_ERR_EMBEDDED_OPTIONS',
  'TAO_ERR_EMBEDDED_DIR',
  'TAO_ERR_EMBEDDED_LOCKED',
  'TAO_ERR_EMBEDDED_LISTEN',
  'TAO_ERR_EMBEDDED_CORRUPT',
  'TAO_ERR_EMBEDDED_FORMAT',
  'TAO_ERR_EMBEDDED_IO',
] as const

/** A stable error code of this package, shaped `TAO_ERR_EMBEDDED_<WHAT>`. */
export type EmbeddedErrorCode = typeof embeddedErrorCodes[number]

/**
 * An error the embedded database raises at start, at close, or when its files cannot be written.
 * The message says what went wrong, where, and how to fix it; `code` never changes.
 */
export class EmbeddedMongoError extends Error {
  readonly code: EmbeddedErrorCode
  readonly details?: object

  constructor (code: EmbeddedErrorCode, message: string, details?: object, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmbeddedMongoError'
    this.code = code
    if (details !== undefined) this.details = details
  }
}

/** The hint every user-facing message ends with when the store itself cannot be used. */
export const USE_ANOTHER_DATABASE = 'or set TAO_DATABASE_URL to use another database'
