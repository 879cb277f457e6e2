import { run } from './program.js'

const code = await run(process.argv)
// A failed command exits at once: handles left open (an IPC channel to a cluster primary, a
// service's timer) must not keep a failed process alive.
if (code !== 0) process.exit(code)
process.exitCode = code
