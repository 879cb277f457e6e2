// The first part of `npm test`: lint and the type-checks, side by side. Each tool is
// single-threaded, so on two cores running them together takes about half the time of
// `npm run lint && npm run typecheck` (which stay, for running one alone). The test and
// types programs read the packages' declarations, so they wait for `tsc -b`.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

/** Runs one command; resolves with its exit code and everything it printed. */
function run (label, cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => { out += c })
    child.stderr.on('data', (c) => { out += c })
    child.on('error', (err) => resolve({ label, code: 1, out: String(err) }))
    child.on('close', (code) => resolve({ label, code: code ?? 1, out }))
  })
}

const lint = run('eslint .', bin('eslint'), ['.'])
const types = run('tsc -b', bin('tsc'), ['-b']).then(async (build) => build.code !== 0
  ? [build]
  : [build, ...await Promise.all([run('tsc -p tsconfig.test.json', bin('tsc'), ['-p', 'tsconfig.test.json']), run('tsc -p tsconfig.types.json', bin('tsc'), ['-p', 'tsconfig.types.json'])])])
const results = [await lint, ...await types]
let failed = false
for (const r of results) {
  if (r.code === 0) {
    console.log(`✔ ${r.label}`)
  } else {
    failed = true
    console.log(`✖ ${r.label} (exit code ${r.code})\n${r.out.trimEnd()}\n`)
  }
}
process.exit(failed ? 1 : 0)
