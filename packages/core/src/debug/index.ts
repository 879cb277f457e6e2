export { debugPlugin, TOOLBAR_TEMPLATE, type DebugPluginOptions } from './plugin.js'
export { debugToolbarEnabled } from './enabled.js'
