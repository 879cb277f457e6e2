/** A mail the memory backend kept: the message as given, and as it would go on the wire. */
export interface OutboxMail {
  readonly from: string
  readonly to: readonly string[]
  readonly cc: readonly string[]
  readonly bcc: readonly string[]
  readonly subject: string
  readonly text: string | null
  readonly html: string | null
  /** The whole RFC 5322 message (headers and MIME parts). */
  readonly raw: string
}

/**
 * Mails sent with `mail.url: 'memory'` (the default of createTestApp), oldest first, like
 * Django's `mail.outbox`. Exported by `@tao/core/testing`; empty it with `outbox.length = 0`.
 */
export const outbox: OutboxMail[] = []
