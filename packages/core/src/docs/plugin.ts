import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { indexDocs, shippedDocsDir } from './pages.js'
import { renderDoc } from './render.js'

/** Where the guides are served under debug. */
export const DOCS_PREFIX = '/-/docs/'

/** The templates of the guides' index and of one guide (a project may override them under templates/tao/). */
export const DOCS_INDEX_TEMPLATE = 'tao:docs/index.html'
export const DOCS_PAGE_TEMPLATE = 'tao:docs/page.html'

/** Options of {@link docsPlugin}. */
export interface DocsPluginOptions {
  /** The folder of guides; tao's shipped docs by default. */
  dir?: string
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', svg: 'image/svg+xml', webp: 'image/webp', gif: 'image/gif' }

/**
 * `tao:docs` (pages context, debug only): tao's guides served at `/-/docs/`, so the welcome
 * page can link them on any machine, with no checkout and no network. The guides are listed
 * once at boot; a request picks one by that list, so no path a client sends reaches the file
 * system. Nothing of it is registered with debug off.
 */
async function docs (fastify: FastifyInstance, opts: DocsPluginOptions): Promise<void> {
  const { pages, images } = indexDocs(opts.dir ?? shippedDocsDir)
  const sections = new Map<string, Array<{ path: string, title: string }>>()
  for (const page of [...pages.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    const list = sections.get(page.section) ?? []
    list.push({ path: page.path, title: page.title })
    sections.set(page.section, list)
  }
  const index = Object.freeze({ prefix: DOCS_PREFIX, sections: [...sections].map(([name, list]) => ({ name, pages: list })) })
  const config = { taoRoute: 'tao:docs' }

  fastify.get(DOCS_PREFIX, { config }, async (_req, reply) => reply.render(DOCS_INDEX_TEMPLATE, index))
  fastify.get(`${DOCS_PREFIX}*`, { config }, async (req: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const path = req.params['*']
    const page = pages.get(path)
    if (page !== undefined) {
      return reply.render(DOCS_PAGE_TEMPLATE, { prefix: DOCS_PREFIX, title: page.title, path: page.path, html: await renderDoc(page) })
    }
    const image = images.get(path)
    if (image !== undefined) {
      return reply.type(IMAGE_TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()]!).header('cache-control', 'no-cache').send(readFileSync(image))
    }
    return reply.callNotFound()
  })
}

export const docsPlugin = fp(docs, { name: 'tao:docs', fastify: '5.x', dependencies: ['tao:templates'] })
