import { mkdtempSync, rmSync, symlinkSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type TaoApp, type UserSettings } from '@tao/core'

/** The db-notes fixture: an app reading and writing notes, and /ping that touches no database. */
export const notesFixture = fileURLToPath(new URL('../fixtures/db-notes', import.meta.url))
const repoModules = fileURLToPath(new URL('../../../../node_modules', import.meta.url))

/**
 * A fresh project in a temporary folder, running the db-notes fixture: its settings.ts, its
 * apps (linked) and the repository's node_modules (linked), so var/db lands in the temp folder.
 * Removed after the test.
 */
export function tempProject (t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'tao-db-'))
  copyFileSync(join(notesFixture, 'settings.ts'), join(root, 'settings.ts'))
  symlinkSync(join(notesFixture, 'apps'), join(root, 'apps'))
  symlinkSync(repoModules, join(root, 'node_modules'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  return root
}

/** The app of a project (default: the fixture itself), logging silenced, no TAO_* from the environment. */
export async function notesApp (root: string = notesFixture, settings: UserSettings = {}): Promise<TaoApp> {
  return await createApp({ root, env: {}, settings: { logLevel: 'silent', ...settings } })
}

export { freePort } from '../support/ports.js'

/** Polls `check` until it returns true, at most `timeout` ms. */
export async function until (check: () => Promise<boolean>, timeout = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (Date.now() < end) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export const json = { accept: 'application/json' }
