// Part of `npm run build`: copies tao's guides (docs/) into @tao/core, so the package a
// project installs (vendored or from a registry) carries them and `tao dev` serves them at
// /-/docs/ with no checkout. packages/core/docs is a build output (git ignores it).
import { cpSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const from = fileURLToPath(new URL('../docs', import.meta.url))
const to = fileURLToPath(new URL('../packages/core/docs', import.meta.url))
rmSync(to, { recursive: true, force: true })
cpSync(from, to, { recursive: true })
