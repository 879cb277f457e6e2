import { taoError } from '../errors/index.js'

/**
 * The page number a request asks for: 1 when absent, else a positive whole number.
 * @throws TAO_ERR_PAGINATION_INVALID (400) for anything else ('abc', '0', '-1', '1.5', a list).
 */
export function parsePageNumber (raw: unknown, param = 'page'): number {
  if (raw === undefined || raw === '') return 1
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1) return raw
  if (typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw)) return Number(raw)
  throw taoError('TAO_ERR_PAGINATION_INVALID', [param, String(raw).slice(0, 40)], { param })
}

/** The URL of page `n` of the current request: its path and query, `param` set to `n` (left out for page 1). */
export function pageUrlOf (url: string, param: string): (n: number) => string {
  const [path = '/', query = ''] = url.split('?', 2)
  const base = new URLSearchParams(query)
  return (n) => {
    const params = new URLSearchParams(base)
    if (n === 1) params.delete(param)
    else params.set(param, String(n))
    const text = params.toString()
    return text === '' ? path : `${path}?${text}`
  }
}
