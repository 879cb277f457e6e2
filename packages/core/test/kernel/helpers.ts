import { fileURLToPath } from 'node:url'
import { createApp, type CreateAppOptions, type TaoApp } from '@tao/core'

/** Absolute path of a fixture project. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/**
 * Creates the app of a fixture project with logging silenced and an in-memory database (an
 * embedded store on disk would write var/db into the fixture and lock it against other apps).
 */
export async function fixtureApp (name: string, opts: CreateAppOptions = {}): Promise<TaoApp> {
  return await createApp({ root: fixture(name), env: {}, ...opts, settings: { logLevel: 'silent', database: { url: 'memory' }, ...opts.settings } })
}
