// Keeps the Node.js floor honest: every package in the lock file (what `npm ci` installs)
// must support the lowest Node.js version the packages' `engines` promise, so `npm install`
// on that version prints no EBADENGINE warning. A dependency that raises its own floor shows up
// here first; pin a version that still supports ours (root `overrides`) or raise the floor.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const semver = require('semver') as { minVersion(r: string): { version: string } | null, satisfies(v: string, r: string): boolean }
const root = new URL('../../../../', import.meta.url)
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as Record<string, any>

test('every installed package supports the Node.js floor of tao\'s engines', () => {
  const floors = ['package.json', 'packages/core/package.json', 'packages/cli/package.json', 'packages/embedded-mongo/package.json']
    .map((file) => [file, read(file).engines?.node as string] as const)
  for (const [file, range] of floors) assert.ok(range, `${file} declares engines.node`)
  const floor = semver.minVersion(floors[0]![1])!.version
  for (const [file, range] of floors) assert.equal(semver.minVersion(range)!.version, floor, `${file} has the same floor as the root`)

  const lock = read('package-lock.json') as { packages: Record<string, { engines?: { node?: string }, dev?: boolean }> }
  const bad = Object.entries(lock.packages)
    .filter(([path, pkg]) => path !== '' && typeof pkg.engines?.node === 'string' && !semver.satisfies(floor, pkg.engines.node))
    .map(([path, pkg]) => `${path} wants node ${pkg.engines!.node}`)
  assert.deepEqual(bad, [], `packages that do not support node ${floor}`)
})

test('a generated project pins the same dependency overrides as tao, so its installs keep supporting the floor too', () => {
  const root = read('package.json') as { overrides?: Record<string, string> }
  const template = read('templates/project/package.json.tpl') as { overrides?: Record<string, string> }
  assert.ok(root.overrides && Object.keys(root.overrides).length > 0, 'the root has overrides')
  assert.deepEqual(template.overrides, root.overrides)
})
