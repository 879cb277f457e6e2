// `npm run bench`: every benchmark in bench/, one after another (not part of npm test).
// `npm run bench -- hello` runs only bench/hello.mjs.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const benches = readdirSync(dir).filter((f) => /\.m?[jt]s$/.test(f) && f !== 'run.mjs')
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
let failed = 0
for (const file of benches.sort()) {
  console.log(`\n### bench/${file}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: dir, stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
