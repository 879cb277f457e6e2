import { readFileSync } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import nunjucks from 'nunjucks'
import type { AppRegistry } from '../apps/index.js'
import { isTaoError, TaoError, taoError } from '../errors/index.js'
import { compileSource, compilerFingerprint } from './compile.js'
import { TemplateGlobals } from './context.js'
import { renderError, syntaxError } from './errors.js'
import { budget, checkPollution, pollution } from './guards.js'
import { TemplateLoader, type TemplateSource } from './loader.js'
import { PrecompiledTemplates, sourceHash, templateFiles, type PrecompiledTemplate } from './precompiled.js'
import { TaoTemplate } from './template.js'

/** The parts of a Nunjucks Template tao uses (its typings omit some). */
interface CompiledTemplate {
  readonly path: string
  compile (): void
  render (context?: object): string | null
}

type Callback = (err: unknown, tmpl?: CompiledTemplate) => void
type TemplateEnvLike = Parameters<typeof compileSource>[1]

/** The parts of a Nunjucks Environment tao uses or replaces. */
interface NunjucksEnvironment {
  globals: Record<string, unknown>
  addFilter (name: string, fn: (...args: never[]) => unknown): unknown
  addExtension (name: string, ext: object): unknown
  getTemplate (name: unknown, eagerCompile?: unknown, parentName?: unknown, ignoreMissing?: unknown, cb?: unknown): CompiledTemplate | undefined
}

/** Text a template prints without escaping (what Nunjucks's `| safe` produces). */
export type SafeString = nunjucks.runtime.SafeString

/**
 * Marks `html` as safe: autoescaping leaves it as is. Use it only for HTML you built and
 * escaped yourself (a CSRF field, a rendered widget).
 * @example addTemplateContext(fastify, 'csrf_field', (req, reply) => () => markSafe(`<input …>`))
 */
export function markSafe (html: string): SafeString {
  return new nunjucks.runtime.SafeString(html)
}

// Bounds the remembered misses of exists(), whatever names it is asked about.
const MAX_MISSES = 1000

/**
 * Template names are chosen by code and templates, never by the client: a bad one (an include
 * of "../../secret") is the site's bug, so a 500 whose details only debug shows, never a 4xx.
 */
function serverSide (err: unknown): unknown {
  return isTaoError(err) && err.statusCode < 500 ? new TaoError(err.code, err.message, 500, err.details, { cause: err }) : err
}

/** Options of {@link TemplateEngine}. */
export interface TemplateEngineOptions {
  root: string
  registry: AppRegistry
  /** Compile each template once and keep it in memory (production). */
  cache: boolean
  /** The most characters one render may produce (settings.templates.maxOutput). */
  maxOutput?: number
  /** A `tao build` output whose compiled templates are used for unchanged sources (see precompiled.ts). */
  precompiled?: string | null
}

/**
 * One Nunjucks Environment per tao app, with tao in charge of every name it loads: the
 * Environment's getTemplate (used by render, extends, include, import and from) is replaced by
 * {@link TemplateEngine.template}, which resolves names through {@link TemplateLoader},
 * compiles eagerly (so Nunjucks never reports a compile error asynchronously), caches compiled
 * templates by name when caching is on, and turns errors into TaoErrors.
 */
export class TemplateEngine {
  readonly loader: TemplateLoader
  readonly globals: TemplateGlobals
  readonly #env: NunjucksEnvironment
  readonly #cache: Map<string, CompiledTemplate> | null
  readonly #misses: Set<string> | null
  /** Without caching (development): the last compile of each file, reused while its text is the same. */
  readonly #compiled: Map<string, { src: string, tmpl: CompiledTemplate }> | null
  readonly #empty: CompiledTemplate
  readonly #maxOutput: number
  readonly #adopted = new WeakMap<object, CompiledTemplate>()
  readonly #precompiled: PrecompiledTemplates | null
  #fingerprint: string | null = null
  /**
   * How each template this engine holds was made: compiled by Nunjucks in this process, or
   * taken from a build's compiled code. Tests and the bench read it.
   */
  readonly stats = { compiled: 0, precompiled: 0 }
  /**
   * Called with the name of each template a render loads, in order: the one rendered, then
   * those it extends, includes or imports. Null by default (no cost); the debug toolbar sets it.
   */
  onLoad: ((name: string) => void) | null = null

  constructor (opts: TemplateEngineOptions) {
    const loader = new TemplateLoader(opts.root, opts.registry, opts.cache)
    this.loader = loader
    this.#maxOutput = opts.maxOutput ?? Infinity
    this.#precompiled = opts.precompiled ? new PrecompiledTemplates(opts.precompiled) : null
    // The loader Nunjucks gets is never used (getTemplate is replaced); it still goes through
    // tao's resolution, so nothing falls back to Nunjucks's own file loading.
    const guard = {
      getSource: (name: string) => {
        const found = loader.load(name)
        return found && { src: found.src, path: found.file, noCache: true }
      },
      isRelative: () => false,
    }
    const env = new nunjucks.Environment(guard as unknown as nunjucks.ILoader, { autoescape: true, dev: true }) as unknown as NunjucksEnvironment
    // No prototype: `name in globals` (Nunjucks's lookup) only sees names defined here.
    env.globals = Object.assign(Object.create(null) as Record<string, unknown>, env.globals)
    this.#env = env
    this.globals = new TemplateGlobals(env.globals)
    this.#cache = opts.cache ? new Map() : null
    this.#misses = opts.cache ? new Set() : null
    this.#compiled = opts.cache ? null : new Map()
    this.#empty = new TaoTemplate('', env, '(missing, ignored)', true) as unknown as CompiledTemplate
    const engine = this
    // Compiled templates call getTemplate(name, eagerCompile, parentName, ignoreMissing, cb) on
    // every extends, include and import of every render: read the callback where it is.
    env.getTemplate = function getTemplate (name, eagerCompile, parentName, ignoreMissing, cb) {
      let callback: Callback | undefined
      if (typeof cb === 'function') callback = cb as Callback
      else if (typeof ignoreMissing === 'function') callback = ignoreMissing as Callback
      else if (typeof parentName === 'function') callback = parentName as Callback
      else if (typeof eagerCompile === 'function') callback = eagerCompile as Callback
      // Thrown even when Nunjucks passes a callback: the compiled template's own try/catch then
      // records the line of the tag. Answered synchronously: renders never span ticks.
      const tmpl = engine.template(name, ignoreMissing === true)
      if (engine.onLoad !== null && tmpl !== engine.#empty) engine.onLoad(name instanceof nunjucks.Template ? '(a template object)' : String(name))
      if (callback) {
        callback(null, tmpl)
        return undefined
      }
      return tmpl
    }
  }

  /** A Template made elsewhere (nunjucks.compile), as a TaoTemplate of this environment. */
  #adopt (given: nunjucks.Template): CompiledTemplate {
    if (given instanceof TaoTemplate) return given as unknown as CompiledTemplate
    let adopted = this.#adopted.get(given)
    if (adopted === undefined) {
      const { tmplStr, tmplProps, path } = given as unknown as { tmplStr?: string, tmplProps?: object, path?: string }
      adopted = new TaoTemplate(tmplProps ? { type: 'code', obj: tmplProps } : tmplStr ?? '', this.#env, path ?? '(a template object)', false) as unknown as CompiledTemplate
      this.#adopted.set(given, adopted)
    }
    return adopted
  }

  /** Adds a filter (a project's settings.templates.filters). */
  addFilter (name: string, fn: (...args: never[]) => unknown): void {
    this.#env.addFilter(name, fn)
  }

  /**
   * Adds a Nunjucks extension (a custom tag such as the cache concern's `{% cache %}`). Call it
   * at boot, before any template is compiled.
   */
  addExtension (name: string, ext: { tags: readonly string[] }): void {
    this.#env.addExtension(name, ext)
    this.#fingerprint = null
  }

  /** The compiler's fingerprint (compile.ts), for this environment's tags and filters. */
  get fingerprint (): string {
    return (this.#fingerprint ??= compilerFingerprint(this.#env as unknown as TemplateEnvLike))
  }

  /**
   * Compiles every template file of every templates folder (the project's and each app's),
   * for `tao build`. Identical sources are compiled once.
   * @throws TAO_ERR_TEMPLATE_SYNTAX naming the first file that does not compile, with its line
   */
  compileAll (): PrecompiledTemplate[] {
    const out = new Map<string, PrecompiledTemplate>()
    for (const path of templateFiles(this.loader.folders())) {
      const src = readFileSync(path, 'utf8')
      const hash = sourceHash(src)
      if (out.has(hash)) continue
      const file = this.loader.display(path)
      try {
        out.set(hash, { file, hash, code: compileSource(src, this.#env as unknown as TemplateEnvLike, file) })
      } catch (err) {
        throw syntaxError(err, file, file)
      }
    }
    return [...out.values()]
  }

  /** The template of `source`: the build's compiled code when it has this text, else compiled now. */
  #make (source: TemplateSource): CompiledTemplate {
    const props = this.#precompiled?.get(source.src, this.fingerprint) ?? null
    if (props !== null) {
      this.stats.precompiled++
      return new TaoTemplate({ type: 'code', obj: props }, this.#env, source.file, true) as unknown as CompiledTemplate
    }
    const tmpl = new TaoTemplate(source.src, this.#env, source.file, false) as unknown as CompiledTemplate
    try {
      tmpl.compile()
    } catch (err) {
      throw syntaxError(err, this.loader.display(source.file), source.name)
    }
    this.stats.compiled++
    return tmpl
  }

  /**
   * The compiled template `name` (from memory when caching is on).
   * @throws TAO_ERR_NAME_INVALID, TAO_ERR_APP_NOT_FOUND, TAO_ERR_TEMPLATE_NOT_FOUND (with
   *   details.tried), TAO_ERR_TEMPLATE_SYNTAX (file, line, column)
   */
  template (name: unknown, ignoreMissing = false): CompiledTemplate {
    if (name instanceof nunjucks.Template) {
      // A template object passed in the context: compile it here too, never lazily in Nunjucks,
      // and render it like tao's own (guarded runtime, same environment).
      const given = this.#adopt(name)
      try {
        given.compile()
      } catch (err) {
        throw syntaxError(err, given.path ?? '(a template object)', '(a template object)')
      }
      return given
    }
    const key = name instanceof nunjucks.runtime.SafeString ? name.val : name
    if (typeof key !== 'string') throw serverSide(taoError('TAO_ERR_NAME_INVALID', ['template', String(key), 'it is not a string']))
    const cached = this.#cache?.get(key)
    if (cached !== undefined) return cached
    let source: ReturnType<TemplateLoader['load']>
    try {
      source = this.loader.load(key)
    } catch (err) {
      throw serverSide(err)
    }
    if (source === null) {
      if (ignoreMissing) return this.#empty
      throw this.loader.notFound(key)
    }
    // Development reads the file on every render (an edit shows on the next request), but
    // compiles it again only when its text changed.
    const last = this.#compiled?.get(source.file)
    if (last !== undefined && last.src === source.src) return last.tmpl
    const tmpl = this.#make(source)
    this.#compiled?.set(source.file, { src: source.src, tmpl })
    this.#cache?.set(key, tmpl)
    return tmpl
  }

  /**
   * True when template `name` exists (its errors, other than not found, are thrown). With
   * caching on, a miss is remembered too: an error page without a template costs no disk access.
   */
  exists (name: string): boolean {
    if (this.#misses?.has(name)) return false
    try {
      this.template(name)
      return true
    } catch (err) {
      if ((err as { code?: string }).code !== 'TAO_ERR_TEMPLATE_NOT_FOUND') throw err
      if (this.#misses && this.#misses.size < MAX_MISSES) this.#misses.add(name)
      return false
    }
  }

  /**
   * Renders template `name` with `context`, for `req` when there is one (the lazy template
   * context reads it). Autoescaped; synchronous.
   * @throws the errors of {@link template}; TAO_ERR_TEMPLATE_RENDER (file, line, column),
   *   TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE, or the TaoError raised inside the template, with its position
   */
  render (name: string, context?: object, req: FastifyRequest | null = null, reply: FastifyReply | null = null): string {
    const tmpl = this.template(name)
    this.onLoad?.(name)
    const prev = this.globals.enter(req, reply)
    const { remaining, limit } = budget
    budget.remaining = budget.limit = this.#maxOutput
    const guarded = checkPollution()
    let out: string | null
    try {
      out = tmpl.render(context)
    } catch (err) {
      throw renderError(err, tmpl.path, (f) => this.loader.display(f))
    } finally {
      budget.remaining = remaining
      budget.limit = limit
      pollution.possible = guarded
      this.globals.leave(prev)
    }
    if (typeof out !== 'string') throw taoError('TAO_ERR_TEMPLATE_ASYNC', [this.loader.display(tmpl.path)])
    // Template text repeated by a loop is not counted as it is written: checked here.
    if (out.length > this.#maxOutput) throw taoError('TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE', [this.#maxOutput], { file: this.loader.display(tmpl.path) })
    return out
  }
}
