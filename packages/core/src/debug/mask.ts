// Django's SafeExceptionReporterFilter: names that look like secrets are never shown. Shared
// by the debug error page and the toolbar's headers and settings panels.
const SECRET_NAME = /api|token|key|secret|pass|signature|auth|cookie|credential|session/i

/** What a masked value is shown as. */
export const MASK = '********************'

/** True when a setting, header or field called `name` holds a secret. */
export function isSecretName (name: string): boolean {
  return SECRET_NAME.test(name)
}

/** Settings with every secret-looking value masked, and credentials removed from URLs. */
export function maskedSettings (value: unknown, name = ''): unknown {
  if (isSecretName(name) && value !== undefined && value !== null && value !== false) return MASK
  if (typeof value === 'string') return value.replace(/\/\/([^/@\s]*)@/, `//${MASK}@`)
  if (Array.isArray(value)) return value.map((v) => maskedSettings(v, name))
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedSettings(v, k)]))
  }
  return value
}

/** Request or response headers with cookies, authorization and other secrets masked. */
export function maskedHeaders (headers: Record<string, unknown>): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretName(k) ? MASK : Array.isArray(v) ? v.map(String) : v === undefined ? undefined : String(v)]))
}
