import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'

const NAME = /^[a-z][a-z0-9_]*$/

const TEMPLATE = `import type { Db } from '@tao/core'

/** Applied once, in order, by \`tao migrate\`. */
export async function up (db: Db): Promise<void> {
}

/** Reverts up(): \`tao migrate --rollback\`. Remove it if the change cannot be undone. */
export async function down (db: Db): Promise<void> {
}
`

/**
 * Writes an empty migration `apps/<app>/migrations/NNNN_<name>.ts`, numbered after the
 * app's last one, and returns its path.
 * @throws TAO_ERR_APP_NOT_FOUND, TAO_ERR_CLI_INVALID_NAME (a name that is not snake_case,
 *   or an app that is not the project's own)
 */
export function makeMigration (registry: AppRegistry, appName: string, name: string): string {
  const app = registry.get(appName)
  if (app.origin !== 'project') throw taoError('TAO_ERR_CLI_INVALID_NAME', ['app', appName, `it is a ${app.origin} app; migrations are written in the project's own apps`])
  if (!NAME.test(name)) throw taoError('TAO_ERR_CLI_INVALID_NAME', ['migration', name, 'use a lowercase snake_case name such as add_slug_index'])
  const dir = join(app.dir, 'migrations')
  const numbers = existsSync(dir) ? readdirSync(dir).map((f) => /^(\d{4})_/.exec(f)?.[1]).filter((n) => n !== undefined).map(Number) : []
  const next = String(Math.max(0, ...numbers) + 1).padStart(4, '0')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${next}_${name}.ts`)
  writeFileSync(file, TEMPLATE, { flag: 'wx' })
  return relative(process.cwd(), file) || file
}
