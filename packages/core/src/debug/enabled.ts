import type { Settings } from '../settings/index.js'

/**
 * True when the debug toolbar runs: settings.debug is on (`tao dev`) and settings.debugToolbar
 * is not false. With debug off nothing of it is registered, whatever debugToolbar says.
 */
export function debugToolbarEnabled (settings: Pick<Settings, 'debug' | 'debugToolbar'>): boolean {
  return settings.debug && settings.debugToolbar
}
