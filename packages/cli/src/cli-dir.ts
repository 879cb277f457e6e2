import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Kept apart from paths.ts, which imports @tao/core: `tao --version` must not load it.

/** The @tao/cli package folder. */
export const cliDir = fileURLToPath(new URL('..', import.meta.url))

/** The version of @tao/cli. */
export function cliVersion (): string {
  return (JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as { version: string }).version
}
