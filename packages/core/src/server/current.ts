import { taoError } from '../errors/index.js'
import type { RouteName, UrlArgs } from '../routing/types.js'
import type { TaoApp } from './tao-app.js'

// The app this process serves, for helpers used outside handlers (scripts, services, module
// scope). Set by serve() and createTestApp(); handlers should prefer reply.redirectTo() and
// app.url(), which never depend on it.
let current: TaoApp | null = null

/** Makes `app` the one the exported helpers (`url()`) use; null clears it. */
export function setCurrentApp (app: TaoApp | null): void {
  current = app
}

/** True when `app` is the one this process serves. */
export function currentIs (app: TaoApp): boolean {
  return current === app
}

/**
 * The app this process serves.
 * @throws TAO_ERR_APP_NOT_STARTED when no app is served.
 */
export function currentApp (what: string): TaoApp {
  if (current === null) throw taoError('TAO_ERR_APP_NOT_STARTED', [what])
  return current
}

/**
 * The URL of a named route of the app this process serves: `url('blog:post', { slug })`.
 * @throws TAO_ERR_APP_NOT_STARTED, TAO_ERR_ROUTE_NOT_FOUND, TAO_ERR_ROUTE_MISSING_PARAM
 */
export function url<N extends RouteName> (name: N, ...args: UrlArgs<N>): string {
  return currentApp('url()').url(name, ...args)
}

/**
 * Renders template `name` of the app this process serves, outside a request (emails, files,
 * services): `render('blog:email/welcome', { user })`.
 * @throws TAO_ERR_APP_NOT_STARTED, TAO_ERR_TEMPLATE_NOT_FOUND, TAO_ERR_TEMPLATE_SYNTAX
 */
export function render (name: string, context?: Record<string, unknown>): string {
  return currentApp('render()').render(name, context)
}
