import type { Settings } from '../settings/index.js'

/**
 * True when lenient development defaults apply: debug mode, or a test run (`NODE_ENV=test`, as
 * set by `tao test`). They give an empty allowedHosts the localhost names and let a missing
 * secret key be replaced by a random one. Read once at boot.
 */
export function developmentDefaults (settings: Pick<Settings, 'debug'>, env: NodeJS.ProcessEnv = process.env): boolean {
  return settings.debug || env.NODE_ENV === 'test'
}
