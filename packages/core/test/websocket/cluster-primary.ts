// A tiny node:cluster primary for the fan-out test, standing in for `tao start --workers`:
// it forks N workers that serve a fixture on one shared port, relays every `tao: 'relay'`
// message unchanged to all other live workers, prints one JSON line per ready worker, and
// exits (with its workers) on SIGTERM or when its stdin closes.
//   node --import tsx cluster-primary.ts <fixture root> <workers> [redis url]
import cluster from 'node:cluster'
import { createApp } from '@tao/core'

const [root = '', count = '2', redisUrl] = process.argv.slice(2)

if (cluster.isPrimary) {
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill()
    setTimeout(() => process.exit(0), 5000).unref()
    cluster.on('exit', () => { if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0) })
  }
  cluster.on('message', (from, msg: { tao?: string, ready?: string }) => {
    if (msg?.tao === 'relay') {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker && worker !== from && worker.isConnected()) worker.send(msg)
      }
    } else if (msg?.ready) {
      process.stdout.write(JSON.stringify({ worker: from.id, pid: from.process.pid, address: msg.ready }) + '\n')
    }
  })
  cluster.on('exit', (worker, code) => { if (!stopping) { process.stderr.write(`worker ${worker.id} exited (${code})\n`); stop() } })
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop).resume()
  for (let i = 0; i < Number(count); i++) cluster.fork()
} else {
  const app = await createApp({ root, env: {}, settings: { logLevel: 'silent', database: { url: 'memory' }, redis: { url: redisUrl } } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  process.send!({ ready: address })
}
