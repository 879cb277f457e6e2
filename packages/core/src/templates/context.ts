import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'
import { kTemplates } from '../symbols.js'

/** Computes a per-render value from the request being answered. */
export type TemplateContextProvider<T = unknown> = (req: FastifyRequest, reply: FastifyReply) => T

/** Options of {@link addTemplateGlobal} and {@link addTemplateContext}. */
export interface TemplateNameOptions {
  /**
   * A default that one later registration of the same name replaces (instead of failing with
   * TAO_ERR_TEMPLATE_GLOBAL_CONFLICT). tao's own `session`, `csrf_field` and `messages` are such.
   */
  overridable?: boolean
  /** Who provides it, for conflict messages (default: 'a plugin'). */
  owner?: string
}

/** Options of {@link addTemplateContext}. */
export interface TemplateContextOptions extends TemplateNameOptions {
  /** The value outside a request (`app.render()`), where no provider can run. Default undefined. */
  fallback?: unknown
}

/** The request a render answers; `memo` holds the lazy values computed so far. */
interface RenderState {
  readonly req: FastifyRequest | null
  readonly reply: FastifyReply | null
  memo: Record<string, unknown> | null
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * The names every template of one tao app sees besides its own context: plain globals and
 * lazy per-render values. Values are installed on the Nunjucks Environment's globals as
 * getters, so a lazy value is computed only when a template reads it, at most once per
 * render. Renders are synchronous, so one "current render" slot per app is enough.
 */
export class TemplateGlobals {
  readonly #globals: Record<string, unknown>
  readonly #owners = new Map<string, { owner: string, overridable: boolean }>()
  #state: RenderState | null = null

  /** @param globals the Environment's globals object (getters are defined on it). */
  constructor (globals: Record<string, unknown>) {
    this.#globals = globals
  }

  #claim (name: string, opts: TemplateNameOptions): void {
    if (!IDENTIFIER.test(name)) throw taoError('TAO_ERR_NAME_INVALID', ['template global', name, 'it must be an identifier (letters, digits, _ and $)'])
    const owner = opts.owner ?? 'a plugin'
    const taken = this.#owners.get(name)
    if (taken && !taken.overridable) throw taoError('TAO_ERR_TEMPLATE_GLOBAL_CONFLICT', [name, taken.owner, owner])
    this.#owners.set(name, { owner, overridable: opts.overridable === true })
  }

  /** Defines a value every template sees. @throws TAO_ERR_TEMPLATE_GLOBAL_CONFLICT */
  global (name: string, value: unknown, opts: TemplateNameOptions = {}): void {
    this.#claim(name, opts)
    Object.defineProperty(this.#globals, name, { value, enumerable: true, configurable: true, writable: false })
  }

  /** Defines a value computed from the request, on first use in each render. @throws TAO_ERR_TEMPLATE_GLOBAL_CONFLICT */
  lazy (name: string, provider: TemplateContextProvider, opts: TemplateContextOptions = {}): void {
    this.#claim(name, opts)
    const fallback = opts.fallback
    Object.defineProperty(this.#globals, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        const state = this.#state
        if (state === null || state.req === null || state.reply === null) return fallback
        const memo = (state.memo ??= Object.create(null) as Record<string, unknown>)
        if (name in memo) return memo[name]
        return (memo[name] = provider(state.req, state.reply))
      },
    })
  }

  /** Makes `req` the current request; returns the previous state, for {@link leave}. */
  enter (req: FastifyRequest | null, reply: FastifyReply | null): RenderState | null {
    const prev = this.#state
    this.#state = { req, reply, memo: null }
    return prev
  }

  /** Restores the state {@link enter} returned. */
  leave (prev: RenderState | null): void {
    this.#state = prev
  }
}

function globalsOf (fastify: FastifyInstance, fn: string): TemplateGlobals {
  const engine = (fastify as unknown as Partial<Record<typeof kTemplates, { globals: TemplateGlobals }>>)[kTemplates]
  if (!engine) throw taoError('TAO_ERR_TEMPLATE_NOT_READY', [fn])
  return engine.globals
}

/**
 * Makes `value` visible to every template of the tao app `fastify` belongs to. Call it at
 * boot, from a plugin registered after 'tao:templates'.
 * @throws TAO_ERR_TEMPLATE_GLOBAL_CONFLICT when the name is taken; TAO_ERR_TEMPLATE_NOT_READY
 * @example addTemplateGlobal(fastify, 'site_name', 'My site')
 * @see docs/architecture.md (Templates)
 */
export function addTemplateGlobal (fastify: FastifyInstance, name: string, value: unknown, opts?: TemplateNameOptions): void {
  globalsOf(fastify, 'addTemplateGlobal').global(name, value, opts)
}

/**
 * Makes a per-request value visible to every template, computed lazily: `provider(req, reply)`
 * runs only when a template reads `name`, at most once per render. Outside a request
 * (`app.render()`) templates see `opts.fallback`.
 * @throws TAO_ERR_TEMPLATE_GLOBAL_CONFLICT when the name is taken; TAO_ERR_TEMPLATE_NOT_READY
 * @example addTemplateContext(fastify, 'user', (req) => req.session?.get('user') ?? null)
 * @see docs/architecture.md (Templates)
 */
export function addTemplateContext (fastify: FastifyInstance, name: string, provider: TemplateContextProvider, opts?: TemplateContextOptions): void {
  globalsOf(fastify, 'addTemplateContext').lazy(name, provider, opts)
}
