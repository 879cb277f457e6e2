import { pathToFileURL } from 'node:url'
import { localCli } from './local-cli.js'

const local = localCli(process.argv.slice(2))
if (local) {
  // The project's own tao takes over: it reads process.argv and sets the exit code itself.
  await import(pathToFileURL(local).href)
} else {
  const { run } = await import('./program.js')
  const code = await run(process.argv)
  // A failed command exits at once: handles left open (an IPC channel to a cluster primary, a
  // service's timer) must not keep a failed process alive.
  if (code !== 0) process.exit(code)
  process.exitCode = code
}
