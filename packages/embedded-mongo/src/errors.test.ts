import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { embeddedErrorCodes } from './errors.js'

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'errors.ts' ? [path] : []
  })
}

describe('errors', () => {
  it('lists every code the package throws, each once, shaped TAO_ERR_EMBEDDED_<WHAT>', () => {
    const src = fileURLToPath(new URL('.', import.meta.url))
    const used = new Set(sources(src).flatMap((f) => readFileSync(f, 'utf8').match(/'TAO_ERR_EMBEDDED_[A-Z_]+'/g) ?? []).map((c) => c.slice(1, -1)))
    assert.deepEqual([...used].sort(), [...embeddedErrorCodes].sort())
    assert.equal(new Set(embeddedErrorCodes).size, embeddedErrorCodes.length)
    for (const code of embeddedErrorCodes) assert.match(code, /^TAO_ERR_EMBEDDED_[A-Z]+$/)
  })

  it('documents every code in the README', () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8')
    for (const code of embeddedErrorCodes) assert.ok(readme.includes(code), `${code} is missing from README.md`)
  })
})
