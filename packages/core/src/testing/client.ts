import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { ObjectId } from 'mongodb'
import type { TaoApp } from '../server/tao-app.js'
import { loginCookie } from './login.js'

/** A form's fields: a list gives the name several times (checkboxes, multiple selects). */
export type FormFields = Record<string, string | number | boolean | ReadonlyArray<string | number>>

/** Options of one {@link TestClient} request. */
export interface ClientRequestOptions {
  /** Headers added to the request (the client's cookies and CSRF token are added for you). */
  headers?: Record<string, string>
  /** Follows redirects with GET requests, at most 10, and returns the last response. */
  follow?: boolean
}

const CSRF_INPUT = /<input\b[^>]*\bname="_csrf"[^>]*>/
const CSRF_META = /<meta\b[^>]*\bname="csrf-token"[^>]*>/
const VALUE = /\b(?:value|content)="([^"]*)"/
const ENTITY: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/** The CSRF token of an HTML page: its `_csrf` input (csrf_field()) or `csrf-token` meta tag. */
export function csrfTokenIn (html: string): string | null {
  const tag = CSRF_INPUT.exec(html)?.[0] ?? CSRF_META.exec(html)?.[0]
  const value = tag === undefined ? undefined : VALUE.exec(tag)?.[1]
  return value === undefined ? null : value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITY[e]!)
}

function formBody (fields: FormFields): string {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, String(v))
  }
  return body.toString()
}

/**
 * A browser for tests, over `app.inject()` (no socket): it keeps the cookies the app sets
 * (the session among them) and sends them back, and, like a browser submitting a form, sends
 * the CSRF token of the last page it got that had one. CSRF stays on: visit the page with the
 * form first, as a visitor would.
 * @example
 *   const client = new TestClient(app)
 *   await client.get(app.url('blog:new'))
 *   const res = await client.post(app.url('blog:create'), { title: 'Hello' }, { follow: true })
 */
export class TestClient {
  readonly #app: TaoApp
  /** The cookies the app set and the client sends back, by name. */
  readonly cookies = new Map<string, string>()
  /** The CSRF token of the last HTML page that had one; null before any. */
  csrfToken: string | null = null

  constructor (app: TaoApp) {
    this.#app = app
  }

  /** GET `url`. */
  async get (url: string, opts: ClientRequestOptions = {}): Promise<LightMyRequestResponse> {
    return await this.request({ method: 'GET', url, headers: opts.headers }, opts.follow)
  }

  /** POSTs `fields` as a urlencoded form, with the CSRF token unless the fields have one. */
  async post (url: string, fields: FormFields = {}, opts: ClientRequestOptions = {}): Promise<LightMyRequestResponse> {
    const withToken = this.csrfToken !== null && !('_csrf' in fields) ? { ...fields, _csrf: this.csrfToken } : fields
    return await this.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      payload: formBody(withToken),
    }, opts.follow)
  }

  /** Sends `body` as JSON with `method` (default POST), the CSRF token in X-CSRF-Token. */
  async json (url: string, body: unknown, opts: ClientRequestOptions & { method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE' } = {}): Promise<LightMyRequestResponse> {
    const token: Record<string, string> = this.csrfToken === null ? {} : { 'x-csrf-token': this.csrfToken }
    return await this.request({
      method: opts.method ?? 'POST',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...token, ...opts.headers },
      payload: JSON.stringify(body),
    }, opts.follow)
  }

  /**
   * Logs the client in as `user` (a user document, or a username) without the login form, as if
   * it had logged in: a login record and the session cookie. Needs settings.auth on. Visit a
   * page before posting forms, as after any login (the CSRF token comes with it).
   * @throws TAO_ERR_AUTH_NOT_ENABLED, TAO_ERR_AUTH_USER_NOT_FOUND
   * @example await client.login(await createUser(app, { username: 'ann', password: 'pw', isStaff: true }))
   */
  async login (user: { _id: ObjectId } | string): Promise<void> {
    const { name, value } = await loginCookie(this.#app, user)
    this.cookies.set(name, value)
    this.csrfToken = null
  }

  /** Any request through `app.inject()`, with the client's cookies; reads back cookies and token. */
  async request (opts: InjectOptions, follow = false): Promise<LightMyRequestResponse> {
    let res = await this.#send(opts)
    if (!follow) return res
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 10; hops++) {
      const location = res.headers.location
      if (typeof location !== 'string') break
      res = await this.#send({ method: 'GET', url: location })
    }
    return res
  }

  async #send (opts: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ')
    const headers = { ...opts.headers as Record<string, string> | undefined, ...(cookie === '' ? {} : { cookie }) }
    const res = await this.#app.inject({ ...opts, headers })
    for (const c of res.cookies as Array<{ name: string, value: string, maxAge?: number, expires?: Date }>) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now())
      if (expired) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    if (/^text\/html\b/.test(String(res.headers['content-type'] ?? ''))) this.csrfToken = csrfTokenIn(res.body) ?? this.csrfToken
    return res
  }
}
