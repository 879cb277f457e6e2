export { debugPlugin, TOOLBAR_TEMPLATE, type DebugPluginOptions } from './plugin.js'
export { debugToolbarEnabled } from './enabled.js'
export { logCaptureHooks } from './logs.js'
export { maskedHeaders, maskedSettings } from './mask.js'
