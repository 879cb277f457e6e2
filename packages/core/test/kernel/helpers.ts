import { fileURLToPath } from 'node:url'
import { createApp, type CreateAppOptions, type TaoApp } from '@tao/core'

/** Absolute path of a fixture project. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** Creates the app of a fixture project with logging silenced. */
export async function fixtureApp (name: string, opts: CreateAppOptions = {}): Promise<TaoApp> {
  return await createApp({ root: fixture(name), env: {}, ...opts, settings: { logLevel: 'silent', ...opts.settings } })
}
