// Helpers for bench server scripts: listen on loopback, tell the parent the URL, and answer
// its 'cpu' messages with this process's CPU time in microseconds.
export function announce (url) {
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage()
      process.send({ cpu: u.user + u.system })
    }
  })
  process.send({ url })
}

/** Server mode of a bench file: listen, announce the URL, exit on SIGTERM. */
export async function serve (listen) {
  announce(await listen())
  process.on('SIGTERM', () => process.exit(0))
}
