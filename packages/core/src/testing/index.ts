import { createApp, type CreateAppOptions } from '../server/create-app.js'
import { setCurrentApp } from '../server/current.js'
import type { TaoApp } from '../server/tao-app.js'

/** Options of {@link createTestApp}. */
export interface TestAppOptions extends CreateAppOptions {}

/**
 * A tao app for a test: the project at `root` (default: the current directory) with logging
 * silenced, ready to `inject()` requests, and the app the exported `url()` uses. Close it
 * after the test.
 * @example
 *   const app = await createTestApp()
 *   after(() => app.close())
 *   const res = await app.inject('/')
 */
export async function createTestApp (opts: TestAppOptions = {}): Promise<TaoApp> {
  const app = await createApp({ ...opts, settings: { logLevel: 'silent', ...opts.settings } })
  await app.ready()
  setCurrentApp(app)
  return app
}
