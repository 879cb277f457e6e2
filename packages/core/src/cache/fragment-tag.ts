import { taoError } from '../errors/index.js'
import { markSafe } from '../templates/index.js'
import { ttlMs } from './cache.js'
import type { MemoryBackend } from './memory-backend.js'

/** The parts of Nunjucks's parser an extension uses (its typings omit them). */
interface Parser {
  nextToken (): { value: string }
  parseSignature (tolerant: null, noParens: boolean): unknown
  advanceAfterBlockEnd (name?: string): void
  parseUntilBlocks (...names: string[]): unknown
}
interface Nodes { CallExtension: new (ext: object, method: string, args: unknown, body: unknown[]) => unknown }
interface RenderContext { lookup (name: string): unknown }

const TTL_CACHE = new Map<unknown, number>()

/** The lifetime of a tag: a number of seconds, or a duration string ('5m'). Parsed once per distinct value. */
function tagTtl (given: unknown): number {
  let ms = TTL_CACHE.get(given)
  if (ms !== undefined) return ms
  if (typeof given === 'number' && Number.isFinite(given) && given >= 0) ms = given * 1000
  else if (typeof given === 'string') ms = ttlMs(given, 0, '{% cache %}')
  else throw taoError('TAO_ERR_CACHE_TAG_INVALID', [`the lifetime must be a number of seconds or a duration such as '5m', got ${JSON.stringify(given) ?? typeof given}`])
  if (TTL_CACHE.size < 1000) TTL_CACHE.set(given, ms)
  return ms
}

/**
 * The `{% cache "key", ttl, vary... %}...{% endcache %}` tag: the rendered body is kept under
 * `<redis.prefix>cache:~fragment:<key>` plus the vary values and the render's language, for `ttl`
 * seconds (or a duration string). Fragments live in the process's memory LRU, whatever the
 * cache backend: renders are synchronous, so a fragment can never wait for Redis; each process
 * renders a fragment at most once per lifetime.
 * @example {% cache "sidebar", 300, user.id %}{{ expensive() }}{% endcache %}
 */
export class CacheTag {
  readonly tags = ['cache']
  readonly #store: MemoryBackend
  readonly #prefix: string

  constructor (store: MemoryBackend, prefix: string) {
    this.#store = store
    this.#prefix = `${prefix}~fragment:`
  }

  parse (parser: Parser, nodes: Nodes): unknown {
    const tok = parser.nextToken()
    const args = parser.parseSignature(null, true)
    parser.advanceAfterBlockEnd(tok.value)
    const body = parser.parseUntilBlocks('endcache')
    parser.advanceAfterBlockEnd()
    return new nodes.CallExtension(this, 'run', args, [body])
  }

  run (context: RenderContext, ...args: unknown[]): unknown {
    const body = args.pop() as () => string
    const [key, ttl, ...vary] = args
    if (typeof key !== 'string' || key === '') {
      throw taoError('TAO_ERR_CACHE_TAG_INVALID', [`the key must be a non-empty string, got ${JSON.stringify(key) ?? typeof key}`])
    }
    const ms = tagTtl(ttl)
    const locale = context.lookup('locale')
    const full = `${this.#prefix}${key}${vary.length > 0 ? `:${JSON.stringify(vary)}` : ''}${typeof locale === 'string' ? `@${locale}` : ''}`
    const hit = this.#store.getSync(full)
    if (hit !== undefined) return markSafe(hit)
    const out = String(body())
    this.#store.setSync(full, out, ms)
    return markSafe(out)
  }
}
