export { sessionPlugin, MAX_COOKIE_BYTES, type SessionPluginOptions, type SessionValues } from './plugin.js'
export { addFlash, consumeMessages, FLASH_KEY, type FlashLevel, type FlashMessage } from './flash.js'
export { resolveSessionKeys, decodeKey, KEY_BYTES, type SessionKeys } from './keys.js'
