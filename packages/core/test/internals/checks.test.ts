// Keeps the check ids, their docs and the checks themselves in step (like errors.test.ts).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { checkIds } from '../../src/checks/index.js'
import { W001 as DB_W001, W002 as DB_W002 } from '../../src/db/checks.js'

// Ids some concerns define next to their code (db/checks.ts) instead of in the registry.
const concernIds = new Map([DB_W001, DB_W002].map((c) => [c.id, c.level]))

const docs = readFileSync(new URL('../../../../docs/reference/checks.md', import.meta.url), 'utf8')
const rows = [...docs.matchAll(/^\| `([a-z][a-z0-9]*\.[EWI]\d{3})` \| (error|warning|info) \|/gm)]

test('every check id has the <area>.<E|W|I><nnn> shape matching its level', () => {
  for (const [id, entry] of Object.entries(checkIds)) {
    assert.match(id, /^[a-z][a-z0-9]*\.[EWI]\d{3}$/)
    assert.equal(id.split('.')[1]![0], { error: 'E', warning: 'W', info: 'I' }[entry.level], id)
    assert.ok(entry.hint.length > 20, `${id} has a hint`)
  }
})

test('every check id is documented in docs/reference/checks.md with its level, and nothing else is', () => {
  const documented = new Map(rows.map((m) => [m[1]!, m[2]!]))
  assert.equal(rows.length, documented.size, 'documented ids are unique')
  const all = new Map<string, string>([...Object.entries(checkIds).map(([id, e]) => [id, e.level] as [string, string]), ...concernIds])
  assert.equal(all.size, Object.keys(checkIds).length + concernIds.size, 'no concern reuses a registry id')
  assert.deepEqual([...all.keys()].filter((id) => !documented.has(id)), [], 'ids missing from the docs')
  assert.deepEqual([...documented.keys()].filter((id) => !all.has(id)), [], 'documented ids not in the registry')
  for (const [id, level] of documented) assert.equal(level, all.get(id), id)
})

test('every registered id is emitted by some check', () => {
  const sources = ['builtin.ts'].map((f) => readFileSync(new URL(`../../src/checks/${f}`, import.meta.url), 'utf8')).join('\n')
  for (const id of Object.keys(checkIds)) assert.ok(sources.includes(`'${id}'`), `${id} is never emitted`)
})
