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
