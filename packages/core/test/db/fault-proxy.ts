// A TCP proxy on loopback between tao and the database, to play the database's faults:
//   pass        forwards both ways;
//   blackhole   new and open connections go silent: bytes either way are dropped, nothing is
//               closed (a cut cable, a firewall dropping packets);
//   delay       the database's replies arrive `ms` late (a slow server);
//   hold        the database's replies are kept until the mode changes (then delivered).
import { createServer, connect, type Server, type Socket } from 'node:net'

export type FaultMode = { mode: 'pass' } | { mode: 'blackhole' } | { mode: 'delay', ms: number } | { mode: 'hold' }

/** A running fault proxy. */
export interface FaultProxy {
  /** `host:port` to give the driver instead of the database's. */
  host: string
  set: (mode: FaultMode) => void
  close: () => Promise<void>
}

/** Starts a proxy on 127.0.0.1 in front of `target` (`host:port`), in 'pass' mode. */
export async function startFaultProxy (target: string): Promise<FaultProxy> {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
  let mode: FaultMode = { mode: 'pass' }
  const held: (() => void)[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy() })
    }
    client.on('data', (chunk) => {
      if (mode.mode !== 'blackhole') upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      const deliver = () => { if (!client.destroyed) client.write(chunk) }
      if (mode.mode === 'blackhole') return
      if (mode.mode === 'hold') { held.push(deliver); return }
      if (mode.mode === 'delay') {
        const timer = setTimeout(() => { timers.delete(timer); deliver() }, mode.ms)
        timers.add(timer)
        return
      }
      deliver()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    host: `127.0.0.1:${port}`,
    set (next) {
      mode = next
      if (next.mode !== 'hold' && next.mode !== 'blackhole') for (const deliver of held.splice(0)) deliver()
    },
    async close () {
      for (const t of timers) clearTimeout(t)
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
