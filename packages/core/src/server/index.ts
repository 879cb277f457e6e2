export { createApp, type CreateAppOptions } from './create-app.js'
export { TaoApp, type ListenOptions } from './tao-app.js'
export { prefersJson, escapeHtml } from './negotiate.js'
export type { ErrorPageContext, ErrorPageRenderer } from './error-pages.js'
