// `npm start` at the root of a tao checkout: serves a demo site made from templates/project
// (into the git-ignored demo/ folder) on the embedded database, at http://127.0.0.1:8080.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))
const demo = fileURLToPath(new URL('../demo', import.meta.url))

if (!existsSync(bin.replace('bin/tao.js', 'dist/main.js'))) {
  console.error('tao is not built yet: run `npm install` (or `npm run build`) first.')
  process.exit(1)
}
if (!existsSync(demo)) {
  // @tao/core and @tao/cli resolve from the checkout's own node_modules: no install needed.
  const made = spawnSync(process.execPath, [bin, 'new', '-p', 'demo', '--no-install'], { cwd: root, stdio: 'inherit' })
  if (made.status !== 0) process.exit(made.status ?? 1)
}
const server = spawn(process.execPath, [bin, 'start', ...process.argv.slice(2)], { cwd: demo, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 0))
