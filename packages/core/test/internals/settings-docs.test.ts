// Keeps docs/reference/settings.md in step with the settings schema: every key a project can
// set is documented, and nothing documented is unknown.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { buildSettings } from '../../src/settings/index.js'

const docs = readFileSync(new URL('../../../../docs/reference/settings.md', import.meta.url), 'utf8')
const documented = new Set([...docs.matchAll(/^\| `([a-zA-Z0-9.]+)` \|/gm)].map((m) => m[1]!))

// Keys whose value is a free-form map (names chosen by the project) are documented as one.
const MAPS = new Set(['prefixes', 'templates.globals', 'templates.filters'])

function leaves (value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, v]) => {
    const path = prefix + key
    if (MAPS.has(path)) return [path]
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${path}.`) : [path]
  })
}

test('every settings key is in docs/reference/settings.md, and every documented key exists', () => {
  const { root: _root, file: _file, ...settings } = buildSettings({}, { root: '/p', file: '/p/settings.ts', env: {} })
  const keys = leaves(settings)
  assert.deepEqual(keys.filter((k) => !documented.has(k)), [], 'keys missing from the docs')
  assert.deepEqual([...documented].filter((k) => !keys.includes(k)), [], 'documented keys the schema does not have')
})
