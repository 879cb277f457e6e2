export { debugPlugin, TOOLBAR_TEMPLATE, type DebugPluginOptions } from './plugin.js'
export { debugToolbarEnabled } from './enabled.js'
export { withLogCapture } from './logs.js'
export { maskedHeaders, maskedSettings } from './mask.js'
