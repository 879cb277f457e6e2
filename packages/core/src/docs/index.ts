export { docsPlugin, DOCS_PREFIX, DOCS_INDEX_TEMPLATE, DOCS_PAGE_TEMPLATE, type DocsPluginOptions } from './plugin.js'
export { indexDocs, shippedDocsDir, type DocPage, type DocsIndex } from './pages.js'
