import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import type { Settings } from '../settings/index.js'
import { kStaticFiles } from '../symbols.js'
import { StaticFiles } from './files.js'
import { staticRequestPath } from './request-path.js'

declare module 'fastify' {
  interface FastifyInstance {
    [kStaticFiles]: StaticFiles
  }
}

/** Options of the static plugin. */
export interface StaticPluginOptions {
  settings: Settings
  registry: AppRegistry
}

/** What a URL carrying the file's current content hash is answered with. */
const IMMUTABLE = Object.freeze({ maxAge: 365 * 24 * 3600 * 1000, immutable: true })

/**
 * Static files: decorates the app with its {@link StaticFiles} (for `static()` in templates and
 * code) and serves `/static/<component>/<path>` through @fastify/static (ETag,
 * Last-Modified, 304, Range, HEAD, content types), after tao's own checks of the path (each
 * segment decoded once; an encoded `/` or `\` inside one is a 404, never a separator). The
 * routes live in their own encapsulated context, a sibling of the pages context, so no
 * session, CSRF or database hook ever runs for a static file.
 */
async function staticFiles (fastify: FastifyInstance, opts: StaticPluginOptions): Promise<void> {
  const files = new StaticFiles(opts.settings, opts.registry)
  fastify.decorate(kStaticFiles, files)
  await fastify.register(async function staticRoutes (scope) {
    // Only reply.sendFile is used: paths are checked and resolved by tao first.
    await scope.register(fastifyStatic, { serve: false, dotfiles: 'deny', index: false, list: false })
    for (const { name } of files.components()) {
      scope.get(`/static/${name}/*`, async (req: FastifyRequest, reply: FastifyReply) => {
        // From the raw URL, decoded once (see request-path.ts), not from the router's parameter.
        const rel = staticRequestPath(req.url)
        const served = rel === null ? null : await files.serve(name, rel)
        if (served === null) return reply.callNotFound()
        const v = (req.query as { v?: unknown }).v
        if (typeof v === 'string' && v === files.hash(served.file)) return reply.sendFile(served.rel, served.root, IMMUTABLE)
        return reply.sendFile(served.rel, served.root)
      })
    }
  })
}

export const staticPlugin = fp(staticFiles, { name: 'tao:static', fastify: '5.x' })
