import { didYouMean, listOrNone, taoError } from '../errors/index.js'
import type { Query } from './types.js'

type Token = { text: string } | { param: string, optional: boolean }

/** A route path split into literal text and parameters, once at boot. */
export interface CompiledPath {
  readonly path: string
  readonly tokens: readonly Token[]
  readonly params: readonly string[]
  readonly required: readonly string[]
}

/** Splits a find-my-way path (`/post/:slug`, `/:id(^\\d+)`, `/files/*`, `/a::b`) into tokens. */
export function compilePath (path: string): CompiledPath {
  const tokens: Token[] = []
  let text = ''
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!
    if (c === ':' && path[i + 1] === ':') { text += ':'; i++; continue }
    if (c === '*') {
      if (text) tokens.push({ text })
      text = ''
      tokens.push({ param: '*', optional: false })
      continue
    }
    if (c !== ':') { text += c; continue }
    if (text) tokens.push({ text })
    text = ''
    let j = i + 1
    while (j < path.length && /[\w]/.test(path[j]!)) j++
    const param = path.slice(i + 1, j)
    if (path[j] === '(') {
      // Skip the regex constraint, balancing parentheses.
      let depth = 0
      for (; j < path.length; j++) {
        if (path[j] === '\\') { j++; continue }
        if (path[j] === '(') depth++
        else if (path[j] === ')' && --depth === 0) { j++; break }
      }
    }
    const optional = path[j] === '?'
    if (optional) j++
    tokens.push({ param, optional })
    i = j - 1
  }
  if (text) tokens.push({ text })
  const params = tokens.flatMap((t) => ('param' in t ? [t.param] : []))
  const required = tokens.flatMap((t) => ('param' in t && !t.optional ? [t.param] : []))
  return Object.freeze({ path, tokens: Object.freeze(tokens), params: Object.freeze(params), required: Object.freeze(required) })
}

function encodeParam (name: string, value: unknown): string {
  const s = String(value)
  return name === '*' ? s.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(s)
}

/** Appends `?a=1&b=2` for a query object; arrays repeat the key; null/undefined are skipped. */
export function queryString (query: Query | undefined): string {
  if (!query) return ''
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v))
    else search.append(key, String(value))
  }
  const s = search.toString()
  return s ? `?${s}` : ''
}

/**
 * The reverse map of one tao app: route name → compiled path. Built once at boot and frozen;
 * `url()` only reads it.
 */
export class Reverser {
  readonly #paths: ReadonlyMap<string, CompiledPath>

  constructor (paths: Map<string, string>) {
    const compiled = new Map<string, CompiledPath>()
    for (const [name, path] of paths) compiled.set(name, compilePath(path))
    this.#paths = compiled
  }

  /** Every route name, for `tao routes` and suggestions. */
  names (): IterableIterator<string> {
    return this.#paths.keys()
  }

  has (name: string): boolean {
    return this.#paths.has(name)
  }

  /**
   * The URL of route `name`, parameters percent-encoded, with an optional query string.
   * @throws TAO_ERR_ROUTE_NOT_FOUND (with the closest names), TAO_ERR_ROUTE_MISSING_PARAM,
   *   TAO_ERR_ROUTE_UNKNOWN_PARAM
   */
  url (name: string, params?: Record<string, unknown>, query?: Query): string {
    const compiled = this.#paths.get(name)
    if (compiled === undefined) {
      throw taoError('TAO_ERR_ROUTE_NOT_FOUND', [name, didYouMean(name, this.#paths.keys())])
    }
    if (params) {
      for (const key of Object.keys(params)) {
        if (!compiled.params.includes(key)) {
          throw taoError('TAO_ERR_ROUTE_UNKNOWN_PARAM', [name, key, compiled.path, listOrNone(compiled.params)])
        }
      }
    }
    let out = ''
    for (const token of compiled.tokens) {
      if ('text' in token) { out += token.text; continue }
      const value = params?.[token.param]
      if (value === undefined || value === null || value === '') {
        if (!token.optional) throw taoError('TAO_ERR_ROUTE_MISSING_PARAM', [name, token.param, compiled.path])
        if (out.endsWith('/') && out.length > 1) out = out.slice(0, -1)
        continue
      }
      out += encodeParam(token.param, value)
    }
    return (out || '/') + queryString(query)
  }
}
