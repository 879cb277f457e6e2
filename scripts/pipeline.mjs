// `npm run pipeline` at the root of a tao checkout: the showcase's clock → pin → buzzer
// pipeline as three processes on this machine, each a tao site (`tao start`):
//   examples/showcase                  http://127.0.0.1:8080  the site: clock:tick, /pipeline/ page
//   examples/showcase/machines/pin     http://127.0.0.1:8081  toggles on each tick of the clock
//   examples/showcase/machines/buzzer  http://127.0.0.1:8082  sounds when the pin flips
// They talk over websockets on 127.0.0.1 (PIPELINE_*_URL); open http://127.0.0.1:8080/pipeline/.
// Ctrl-C stops all three; stopping or restarting one alone shows the others reconnecting.
// `npm run pipeline dev` runs them with `tao dev` instead.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../packages/cli/bin/tao.js', import.meta.url))
const showcase = fileURLToPath(new URL('../examples/showcase', import.meta.url))

if (!existsSync(bin.replace('bin/tao.js', 'dist/main.js'))) {
  console.error('tao is not built yet: run `npm install` (or `npm run build`) first.')
  process.exit(1)
}
const command = process.argv[2] === 'dev' ? 'dev' : 'start'
const env = {
  ...process.env,
  PIPELINE_CLOCK_URL: 'ws://127.0.0.1:8080/clock/socket',
  PIPELINE_PIN_URL: 'ws://127.0.0.1:8081/pin/socket',
  PIPELINE_BUZZER_URL: 'ws://127.0.0.1:8082/buzzer/socket',
}
const machines = [
  ['site', showcase, 8080],
  ['pin', `${showcase}/machines/pin`, 8081],
  ['buzzer', `${showcase}/machines/buzzer`, 8082],
]
const children = machines.map(([name, cwd, port]) => {
  // Detached (a process group of its own): a Ctrl-C in the terminal reaches this script only,
  // which passes it on once; a second SIGINT would make tao exit without draining.
  const child = spawn(process.execPath, [bin, command, '--port', String(port)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  // Each line is prefixed with its machine, so the three logs can be told apart.
  for (const stream of [child.stdout, child.stderr]) {
    let rest = ''
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop()
      for (const line of lines) process.stdout.write(`${name.padEnd(6)} | ${line}\n`)
    })
  }
  return child
})
let left = children.length
let status = 0
for (const child of children) {
  child.on('exit', (code) => {
    console.log(`pipeline: ${machines[children.indexOf(child)][0]} exited with ${code}`)
    if (code) status = code
    if (--left === 0) process.exit(status)
  })
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { for (const child of children) child.kill(signal) })
}
console.log('pipeline: open http://127.0.0.1:8080/pipeline/ (Ctrl-C stops the three processes)')
