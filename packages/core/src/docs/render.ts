import { readFileSync } from 'node:fs'
import type { DocPage } from './pages.js'

/** GitHub's anchor for a heading, so the guides' `#section` links work when served. */
export function slug (text: string): string {
  return text.toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-')
}

type Render = (markdown: string) => string

let renderer: Promise<Render> | null = null

/**
 * The markdown renderer, loaded on the first page asked for: `marked` is only needed while
 * someone reads the guides under debug, so it costs nothing at boot or in production.
 */
function loadRenderer (): Promise<Render> {
  renderer ??= import('marked').then(({ Marked }) => {
    const marked = new Marked({
      gfm: true,
      renderer: {
        heading ({ tokens, depth }) {
          const inner = this.parser.parseInline(tokens)
          return `<h${depth} id="${slug(inner)}">${inner}</h${depth}>\n`
        },
      },
    })
    return (md: string) => marked.parse(md, { async: false })
  })
  return renderer
}

const cache = new Map<string, string>()

/** A guide as HTML, rendered once per process (the shipped guides do not change while it runs). */
export async function renderDoc (page: DocPage): Promise<string> {
  const done = cache.get(page.path)
  if (done !== undefined) return done
  const html = (await loadRenderer())(readFileSync(page.file, 'utf8'))
  cache.set(page.path, html)
  return html
}
