import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * tao's own guides, shipped inside @tao/core: `npm run build` copies the checkout's docs/ to
 * packages/core/docs (scripts/copy-docs.mjs), so a project that has tao vendored or installed
 * from a registry has them too, with no checkout.
 */
export const shippedDocsDir = fileURLToPath(new URL('../../docs', import.meta.url))

/** One guide: its path under docs/ (`reference/settings.md`), its title and its file. */
export interface DocPage {
  path: string
  title: string
  file: string
  /** The folder it is listed under on the index (`''`, `tutorial`, `reference`). */
  section: string
}

/** The guides under `dir` (markdown pages and the images they show), read once at boot. */
export interface DocsIndex {
  pages: Map<string, DocPage>
  /** Images by path under docs/ (`images/admin-list.png`). */
  images: Map<string, string>
}

const IMAGE = /\.(png|jpe?g|svg|webp|gif)$/i

/** The first `# ` heading of a markdown file, or its file name. */
function titleOf (file: string, fallback: string): string {
  const m = /^#\s+(.+)$/m.exec(readFileSync(file, 'utf8'))
  return m ? m[1]!.trim() : fallback
}

/**
 * Lists the guides under `dir` once: only the files found here can be served, so a request
 * names a page by a key of this map and never reaches the file system with its own path.
 * An absent folder gives an empty index (a tao built without its docs).
 */
export function indexDocs (dir: string = shippedDocsDir): DocsIndex {
  const pages = new Map<string, DocPage>()
  const images = new Map<string, string>()
  if (!existsSync(dir)) return { pages, images }
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath, entry.name)
    const path = relative(dir, file).split(sep).join('/')
    if (path.endsWith('.md')) {
      const section = path.includes('/') ? path.slice(0, path.indexOf('/')) : ''
      pages.set(path, { path, title: titleOf(file, entry.name), file, section })
    } else if (IMAGE.test(path)) {
      images.set(path, file)
    }
  }
  return { pages, images }
}
