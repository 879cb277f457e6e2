import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { SendMailOptions, Transporter } from 'nodemailer'
import { taoError } from '../errors/index.js'
import type { Settings } from '../settings/index.js'
import { outbox } from './outbox.js'

/** One way of sending a message, built once at boot from settings.mail.url. */
export interface MailBackend {
  readonly name: 'console' | 'file' | 'memory' | 'smtp'
  send (message: SendMailOptions, parts: { to: string[], cc: string[], bcc: string[] }): Promise<void>
  close (): void
}

/** settings.mail.url with 'auto' resolved: the console under debug, SMTP on localhost otherwise. */
export function mailUrl (settings: Pick<Settings, 'debug' | 'mail'>): string {
  return settings.mail.url === 'auto' ? (settings.debug ? 'console' : 'smtp://127.0.0.1:25') : settings.mail.url
}

/** The URL without its password, for messages and logs. */
export function redactUrl (url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')
}

/**
 * A nodemailer transport made at the first mail: nodemailer is imported then, not at boot (it
 * is some forty modules, and most requests and many projects send no mail).
 */
class LazyTransport {
  #transport: Promise<Transporter> | undefined
  #made: Transporter | undefined
  readonly #options: Parameters<typeof import('nodemailer').createTransport>[0]

  constructor (options: Parameters<typeof import('nodemailer').createTransport>[0]) {
    this.#options = options
  }

  get (): Promise<Transporter> {
    this.#transport ??= import('nodemailer').then(({ createTransport }) => (this.#made = createTransport(this.#options)))
    return this.#transport
  }

  close (): void {
    this.#made?.close()
  }
}

/** A transport that only builds the message (nodemailer's stream transport, buffered). */
function builder (): LazyTransport {
  return new LazyTransport({ streamTransport: true, buffer: true, newline: 'unix' })
}

async function build (t: LazyTransport, message: SendMailOptions): Promise<string> {
  const info = await (await t.get()).sendMail(message) as { message: Buffer }
  return info.message.toString('utf8')
}

/**
 * Builds the backend named by settings.mail.url, once at boot.
 * @throws TAO_ERR_MAIL_URL_INVALID
 */
export function buildMailBackend (settings: Pick<Settings, 'debug' | 'mail' | 'root'>): MailBackend {
  const url = mailUrl(settings)
  if (url === 'console') {
    const t = builder()
    return { name: 'console', async send (m) { process.stdout.write(`${await build(t, m)}\n${'-'.repeat(79)}\n`) }, close () { t.close() } }
  }
  if (url === 'file') {
    const t = builder()
    const dir = resolve(settings.root, settings.mail.dir)
    return {
      name: 'file',
      async send (m) {
        await mkdir(dir, { recursive: true })
        const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`)
        await writeFile(file, await build(t, m), { mode: 0o600 })
      },
      close () { t.close() },
    }
  }
  if (url === 'memory') {
    const t = builder()
    return {
      name: 'memory',
      async send (m, parts) {
        const raw = await build(t, m)
        outbox.push(Object.freeze({ from: String(m.from), ...parts, subject: String(m.subject), text: typeof m.text === 'string' ? m.text : null, html: typeof m.html === 'string' ? m.html : null, raw }))
      },
      close () { t.close() },
    }
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw taoError('TAO_ERR_MAIL_URL_INVALID', [redactUrl(url), 'it is not a URL'])
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw taoError('TAO_ERR_MAIL_URL_INVALID', [redactUrl(url), `the scheme ${parsed.protocol} is not smtp: or smtps:`])
  // One pooled connection per process, opened at the first mail.
  const t = new LazyTransport(`${url}${url.includes('?') ? '&' : '?'}pool=true`)
  return { name: 'smtp', async send (m) { await (await t.get()).sendMail(m) }, close () { t.close() } }
}
