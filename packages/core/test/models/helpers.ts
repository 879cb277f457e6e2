import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { TaoApp } from '@tao/core'
import { createTestApp } from '@tao/core/testing'

/** The models fixture: app blog with models Post (unique slug) and Tag, and two routes. */
export const modelsFixture = fileURLToPath(new URL('../fixtures/models', import.meta.url))

/**
 * A test app of `root` on its own database: the embedded store, or a fresh database on
 * TAO_TEST_MONGODB_URL when set (dropped when the test ends).
 */
export async function modelsApp (t: { after: (fn: () => Promise<unknown>) => void }, root = modelsFixture): Promise<TaoApp> {
  const url = process.env.TAO_TEST_MONGODB_URL
  const database = url ? { url, name: `tao_test_${randomBytes(6).toString('hex')}` } : {}
  const app = await createTestApp({ root, settings: { database } })
  t.after(async () => {
    if (url) await app.db.dropDatabase().catch(() => {})
    await app.close()
  })
  return app
}
