// The control side of the websocket bench servers: tells the parent the URL, then answers
// 'cpu' (CPU time in µs), 'mem' (memory after a full GC) and { burst, bytes } (runs the
// server's broadcast loop `burst` times and answers with the CPU time that loop took).
export function control (url, broadcast) {
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage()
      process.send({ cpu: u.user + u.system })
    } else if (m === 'mem') {
      globalThis.gc?.()
      globalThis.gc?.()
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
      process.send({ mem: { rss, heapUsed, external, arrayBuffers } })
    } else if (typeof m?.burst === 'number') {
      const payload = JSON.stringify({ t: 'tick', pad: 'x'.repeat(Math.max(0, m.bytes - 20)) })
      const before = process.cpuUsage()
      for (let i = 0; i < m.burst; i++) broadcast(payload)
      const used = process.cpuUsage(before)
      process.send({ burst: used.user + used.system })
    }
  })
  process.send({ url })
}
