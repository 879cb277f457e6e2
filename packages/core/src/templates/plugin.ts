import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import type { Reverser } from '../routing/reverse.js'
import type { Query } from '../routing/types.js'
import type { Settings } from '../settings/index.js'
import { kErrorPages, kStaticFiles, kTemplates } from '../symbols.js'
import { markSafe, TemplateEngine } from './engine.js'
import { languagePrefix } from '../i18n/prefix.js'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Renders template `name` (`'app:path'`, or a project template `'path'`) with `context`
     * and sends it as text/html; charset=utf-8. Autoescaped. Every template also sees
     * `request`, `session`, `url()`, `static()`, `csrf_field()`, `messages` and the globals
     * of settings.templates.
     * @throws TAO_ERR_TEMPLATE_NOT_FOUND, TAO_ERR_TEMPLATE_SYNTAX, TAO_ERR_TEMPLATE_RENDER
     * @example return reply.render('blog:post/detail', { post })
     */
    render (name: string, context?: Record<string, unknown>): FastifyReply
  }
  interface FastifyInstance {
    [kTemplates]: TemplateEngine
  }
}

/** Options of the templates plugin. */
export interface TemplatesPluginOptions {
  settings: Settings
  registry: AppRegistry
  reverser: Reverser
  /** Where the project's compiled modules live: a `tao build` output holds compiled templates too. */
  modulesRoot?: string
}

const NO_MESSAGES: readonly unknown[] = Object.freeze([])
const noCsrfField = (): ReturnType<typeof markSafe> => markSafe('')

/**
 * Templates for one tao app: builds its Nunjucks Environment, defines tao's template
 * globals (`url`, `static`, `request`, and the overridable defaults `session`, `csrf_field`,
 * `messages`), the project's globals and filters, decorates `reply.render`, and fills the
 * error-page slot so project templates `404.html`, `500.html` … are used when present.
 */
async function templates (fastify: FastifyInstance, opts: TemplatesPluginOptions): Promise<void> {
  const { settings, reverser } = opts
  const engine = new TemplateEngine({
    root: settings.root,
    registry: opts.registry,
    cache: settings.templates.cache === true,
    maxOutput: settings.templates.maxOutput,
    // Only a build output (modules elsewhere than the project) holds compiled templates.
    precompiled: opts.modulesRoot !== undefined && opts.modulesRoot !== settings.root ? opts.modulesRoot : null,
  })
  const g = engine.globals
  const tao = { owner: "tao's templates" }
  const files = fastify[kStaticFiles]
  if (settings.i18n.urlPrefix) {
    // URLs keep the language of the page they are on: '/fr' + '/blog/'.
    g.lazy('url', (req) => { const pre = languagePrefix(settings, req.locale); return (name: string, params?: Record<string, unknown>, query?: Query) => pre + reverser.url(name, params, query) }, {
      ...tao, fallback: (name: string, params?: Record<string, unknown>, query?: Query) => reverser.url(name, params, query),
    })
  } else {
    g.global('url', (name: string, params?: Record<string, unknown>, query?: Query) => reverser.url(name, params, query), tao)
  }
  g.global('static', (name: string) => files.url(name), tao)
  g.lazy('request', (req) => req, tao)
  // Defaults other concerns replace (session, CSRF, flash): safe values until they do.
  const replaceable = { ...tao, overridable: true }
  g.lazy('session', (req) => (req as { session?: unknown }).session ?? null, { ...replaceable, fallback: null })
  g.lazy('csrf_field', () => noCsrfField, { ...replaceable, fallback: noCsrfField })
  g.lazy('messages', () => NO_MESSAGES, { ...replaceable, fallback: NO_MESSAGES })
  for (const [name, value] of Object.entries(settings.templates.globals)) g.global(name, value, { owner: 'settings.templates.globals' })
  for (const [name, fn] of Object.entries(settings.templates.filters)) engine.addFilter(name, fn)

  fastify.decorate(kTemplates, engine)
  fastify.decorateReply('render', function render (this: FastifyReply, name: string, context?: Record<string, unknown>) {
    const html = engine.render(name, context, this.request, this)
    return this.type('text/html; charset=utf-8').send(html)
  })
  // Project error templates: `<status>.html` in the project's templates/. A broken one throws,
  // and the error-pages concern logs it and falls back to its built-in page.
  fastify[kErrorPages].render = (req, ctx, reply) => {
    const name = String(ctx.status)
    return engine.exists(name) ? engine.render(name, { ...ctx }, req, reply) : null
  }
}

export const templatesPlugin = fp(templates, { name: 'tao:templates', fastify: '5.x', dependencies: ['tao:errors', 'tao:static'] })
