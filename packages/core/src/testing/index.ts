import { resolve } from 'node:path'
import { loadData, loadDataFile, type FixtureData } from '../fixtures/index.js'
import { createApp, type CreateAppOptions } from '../server/create-app.js'
import { setCurrentApp } from '../server/current.js'
import type { TaoApp } from '../server/tao-app.js'

/** Options of {@link createTestApp}. */
export interface TestAppOptions extends CreateAppOptions {}

/**
 * A tao app for a test: the project at `root` (default: the current directory) with logging
 * silenced, ready to `inject()` requests, with its own empty in-memory database (an embedded
 * store started for this app and gone at `close()`), whatever settings.ts, .env or
 * TAO_DATABASE_URL say, with the indexes its models declare, mail kept in `outbox` (mail.url
 * 'memory'); and the app the exported `url()` uses. Pass
 * `settings: { database: { url } }` to test against a real MongoDB instead. Close it after the test.
 * @example
 *   const app = await createTestApp()
 *   after(() => app.close())
 *   await app.db.collection('posts').insertOne({ title: 'Hello' })
 *   const res = await app.inject('/')
 */
export async function createTestApp (opts: TestAppOptions = {}): Promise<TaoApp> {
  const database = { ...opts.settings?.database, url: opts.settings?.database?.url ?? 'memory' }
  // The models' indexes exist in tests as under tao dev, so unique fields behave as deployed.
  const migrations = { autoIndexes: true, ...opts.settings?.migrations }
  const app = await createApp({
    ...opts,
    settings: { logLevel: 'silent', ...opts.settings, database, migrations, mail: { ...opts.settings?.mail, url: opts.settings?.mail?.url ?? 'memory' } },
    // An empty value is ignored, so neither the environment nor .env can point tests elsewhere.
    env: { ...(opts.env ?? process.env), TAO_DATABASE_URL: '', TAO_MAIL_URL: '' },
  })
  try {
    await app.ready()
  } catch (err) {
    await app.close().catch(() => {})
    throw err
  }
  setCurrentApp(app)
  return app
}

export { outbox, type OutboxMail } from '../mail/outbox.js'
/**
 * Loads fixtures into a test app's database: files written by `tao dumpdata` (paths from the
 * current directory) or data objects. Every document is checked against its model first.
 * Returns the documents loaded per model.
 * @throws TAO_ERR_FIXTURE_MALFORMED, TAO_ERR_FIXTURE_UNKNOWN_MODEL, TAO_ERR_FIXTURE_INVALID
 * @example await loadFixtures(app, 'apps/blog/fixtures/posts.json')
 */
export async function loadFixtures (app: TaoApp, ...fixtures: Array<string | FixtureData>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const fixture of fixtures) {
    const loaded = typeof fixture === 'string' ? await loadDataFile(app, resolve(fixture)) : await loadData(app, fixture)
    for (const [name, n] of Object.entries(loaded)) counts[name] = (counts[name] ?? 0) + n
  }
  return counts
}

export { TestClient, csrfTokenIn, type ClientRequestOptions, type FormFields } from './client.js'
