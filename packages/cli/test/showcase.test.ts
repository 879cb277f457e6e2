// examples/showcase is a project like a user's: its tests use createTestApp() from the project
// root, so they run the way a user runs them, through `tao test` in that folder (type-checked
// by tsconfig.test.json and linted by the root eslint config like the rest of the repository).
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { tao } from './helpers.js'

const showcase = fileURLToPath(new URL('../../../examples/showcase', import.meta.url))

test("the showcase's own tests pass under tao test", () => {
  const r = tao(['test'], showcase)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /# fail 0/)
  assert.match(r.stdout, /# pass 11\n/, 'every test of home, blog, chat and clock ran')
})

test('tao check finds no issue in the showcase', () => {
  const r = tao(['check'], showcase)
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /no issues/)
})
