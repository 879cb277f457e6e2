import { codes, type TaoErrorCode } from './codes.js'

/** Structured facts attached to a {@link TaoError}: what was tried, which app, which file. */
export interface TaoErrorDetails {
  tried?: readonly string[]
  app?: string
  file?: string
  [key: string]: unknown
}

type ArgsOf<C extends TaoErrorCode> = Parameters<(typeof codes)[C]['message']>

/**
 * The one error class of tao. Every error a user can cause is a TaoError with a stable
 * `code` (see docs/reference/errors.md), a `statusCode` that Fastify's error handler reads,
 * and a message that says what went wrong, where, and how to fix it.
 */
export class TaoError extends Error {
  override readonly name = 'TaoError'
  readonly code: TaoErrorCode
  readonly statusCode: number
  readonly details: TaoErrorDetails

  constructor (code: TaoErrorCode, message: string, statusCode: number, details: TaoErrorDetails = {}, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.statusCode = statusCode
    this.details = details
  }
}

/**
 * Builds the TaoError registered under `code`, with the message arguments that code takes.
 * @example throw taoError('TAO_ERR_ROUTE_NOT_FOUND', ['blog:idx', ['blog:index']])
 */
export function taoError<C extends TaoErrorCode> (
  code: C,
  args: ArgsOf<C>,
  details?: TaoErrorDetails,
  options?: ErrorOptions
): TaoError {
  const entry = codes[code]
  const message = (entry.message as (...a: ArgsOf<C>) => string)(...args)
  return new TaoError(code, message, entry.status, details, options)
}

/** True when `err` is a TaoError, optionally with the given code. */
export function isTaoError (err: unknown, code?: TaoErrorCode): err is TaoError {
  return err instanceof TaoError && (code === undefined || err.code === code)
}
