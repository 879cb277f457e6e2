import type { FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'
import { currentApp } from '../server/current.js'
import type { TaoApp } from '../server/tao-app.js'
import { kMail, kTemplates } from '../symbols.js'
import type { MailBackend } from './transport.js'

/** A mail for {@link sendMail}. */
export interface Mail {
  /** Recipient(s): 'ann@example.com' or 'Ann <ann@example.com>'. */
  to: string | string[]
  subject: string
  /** Plain-text body. */
  text?: string
  /** HTML body. */
  html?: string
  /** A template rendering the HTML body (`'blog:email/welcome'`), with `context`. */
  template?: string
  /** A template rendering the plain-text body (`'blog:email/welcome.txt'`), with `context`. */
  textTemplate?: string
  context?: Record<string, unknown>
  /** Default: settings.mail.from. */
  from?: string
  cc?: string | string[]
  bcc?: string | string[]
  replyTo?: string
  headers?: Record<string, string>
}

/** What the mail concern keeps per app (fastify[kMail]). */
export interface MailRuntime {
  backend: MailBackend
  from: string
}

declare module 'fastify' {
  interface FastifyInstance {
    [kMail]: MailRuntime
  }
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
// A header value with CR or LF could add headers: refused (nodemailer folds, tao refuses).
const oneLine = (s: string) => !/[\r\n]/.test(s)

/**
 * Sends a mail through the backend of settings.mail.url (console, file, memory or SMTP).
 * Bodies may come from tao templates (`template` for HTML, `textTemplate` for text). Pass
 * the app or request first, or only the mail to use the app this process serves.
 * @throws TAO_ERR_MAIL_INVALID, TAO_ERR_MAIL_SEND_FAILED
 * @example await sendMail({ to: user.email, subject: 'Welcome', template: 'blog:email/welcome', context: { user } })
 */
export async function sendMail (appOrMail: TaoApp | FastifyRequest | Mail, maybeMail?: Mail): Promise<void> {
  const mail = (maybeMail ?? appOrMail) as Mail
  const source = maybeMail === undefined ? currentApp('sendMail()') : appOrMail as TaoApp | FastifyRequest
  const isRequest = 'server' in source && 'raw' in source
  const fastify = isRequest ? (source as FastifyRequest).server : (source as TaoApp).fastify
  const { backend, from } = fastify[kMail]
  const to = list(mail.to)
  const cc = list(mail.cc)
  const bcc = list(mail.bcc)
  if (to.length + cc.length + bcc.length === 0) throw taoError('TAO_ERR_MAIL_INVALID', ['it has no recipient'])
  if (typeof mail.subject !== 'string' || mail.subject === '') throw taoError('TAO_ERR_MAIL_INVALID', ['it has no subject'])
  if (![mail.subject, ...to, ...cc, ...bcc, mail.from ?? '', mail.replyTo ?? ''].every(oneLine)) throw taoError('TAO_ERR_MAIL_INVALID', ['a subject or address contains a line break'])
  const render = (name: string) => fastify[kTemplates].render(name, mail.context)
  const html = mail.html ?? (mail.template === undefined ? undefined : render(mail.template))
  const text = mail.text ?? (mail.textTemplate === undefined ? undefined : render(mail.textTemplate))
  if (html === undefined && text === undefined) throw taoError('TAO_ERR_MAIL_INVALID', ['it has no body'])
  const message = { from: mail.from ?? from, to, cc, bcc, subject: mail.subject, text, html, replyTo: mail.replyTo, headers: mail.headers }
  try {
    await backend.send(message, { to, cc, bcc })
  } catch (err) {
    throw taoError('TAO_ERR_MAIL_SEND_FAILED', [backend.name, (err as Error).message], {}, { cause: err })
  }
}
