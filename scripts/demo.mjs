// `npm start` (`npm run dev` for the development server) at the root of a tao checkout: serves examples/showcase on the embedded
// database, at http://127.0.0.1:8080 (its settings.ts). @tao/core and @tao/cli resolve from
// the checkout's own node_modules: no install beyond the checkout's `npm install`.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))
const showcase = fileURLToPath(new URL('../examples/showcase', import.meta.url))

if (!existsSync(bin.replace('bin/tao.js', 'dist/main.js'))) {
  console.error('tao is not built yet: run `npm install` (or `npm run build`) first.')
  process.exit(1)
}
// `npm run dev` passes 'dev': the development server (debug, toolbar, reload on change).
const args = process.argv[2] === 'dev' ? ['dev', ...process.argv.slice(3)] : ['start', ...process.argv.slice(2)]
const server = spawn(process.execPath, [bin, ...args], { cwd: showcase, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 0))
