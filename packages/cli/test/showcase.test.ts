// examples/showcase is a project like a user's: its tests use createTestApp() from the project
// root, so they run the way a user runs them, through `tao test` in that folder (type-checked
// by tsconfig.test.json and linted by the root eslint config like the rest of the repository).
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { tao } from './helpers.js'

const showcase = fileURLToPath(new URL('../../../examples/showcase', import.meta.url))

test("the showcase's own tests pass under tao test", () => {
  const r = tao(['test'], showcase)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /# fail 0/)
  // Every test of home, blog, chat and clock ran: as many passed as the test files declare.
  const declared = readdirSync(join(showcase, 'apps')).flatMap((app) => {
    const dir = join(showcase, 'apps', app, 'test')
    return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').match(/^test\(/gm)?.length ?? 0) : []
  }).reduce((a, b) => a + b, 0)
  assert.match(r.stdout, new RegExp(`# pass ${declared}
`), `all ${declared} tests of the showcase ran`)
})

test('tao check finds no issue in the showcase', () => {
  const r = tao(['check'], showcase)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /no issues/)
})
