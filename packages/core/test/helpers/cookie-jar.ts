// A hand-kept cookie jar for inject(): stores Set-Cookie values and sends them back.
import { csrfTokenIn } from '@tao/core/testing'
import type { LightMyRequestResponse } from 'fastify'

export class CookieJar {
  readonly #cookies = new Map<string, string>()

  /** Takes the cookies a response sets (an expired or empty one removes it). */
  store (res: LightMyRequestResponse): this {
    for (const c of res.cookies as { name: string, value: string, maxAge?: number, expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now())
      if (expired || c.value === '') this.#cookies.delete(c.name)
      else this.#cookies.set(c.name, c.value)
    }
    return this
  }

  get (name: string): string | undefined {
    return this.#cookies.get(name)
  }

  set (name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  /** The Cookie header to send. */
  header (): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ')
  }
}

/** The session cookie's raw Set-Cookie line of a response, if any. */
export function setCookieLine (res: LightMyRequestResponse, name = 'tao_session'): string | undefined {
  const raw = res.headers['set-cookie']
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  return lines.find((l) => l.startsWith(`${name}=`))
}

/** The value of the hidden _csrf input in an HTML page. */
export function csrfFrom (html: string): string {
  const token = csrfTokenIn(html)
  if (token === null) throw new Error(`no _csrf field in: ${html.slice(0, 300)}`)
  return token
}
