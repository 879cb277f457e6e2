// The embedded store alone in its own process, as a mongod would be: argv[2] is the data
// directory ('' for memory), argv[3] the transport ('tcp' when absent, or 'unix'). Announces its URI and the time it took to open (loading a data
// directory included, wall and CPU time), and answers 'cpu' like the HTTP bench servers, 'rss'
// with its memory use and 'gc' with its collections since the last 'gc'.
import { PerformanceObserver } from 'node:perf_hooks'
import { announce } from '../lib/serve.mjs'

// TAO_BENCH_STORE: another build of the store (a file URL), to compare it with this one.
const { startEmbeddedMongo } = await import(process.env.TAO_BENCH_STORE || '@tao/embedded-mongo')

const dir = process.argv[2] || undefined
const start = performance.now()
const cpuStart = process.cpuUsage()
const store = await startEmbeddedMongo({ dir, transport: process.argv[3] || 'tcp' })
const openMs = performance.now() - start
const cpu = process.cpuUsage(cpuStart)
const openCpuMs = (cpu.user + cpu.system) / 1000
// The store's garbage collections since the last 'gc' message: how many, their pauses.
let pauses = []
new PerformanceObserver((list) => { for (const e of list.getEntries()) pauses.push(e.duration) }).observe({ entryTypes: ['gc'] })
process.on('message', (m) => {
  if (m === 'gc') {
    // Observers hear of a collection a little after it: let the pending ones arrive first.
    setTimeout(() => {
      process.send({ gc: { count: pauses.length, totalMs: pauses.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...pauses) } })
      pauses = []
    }, 50)
  }
  if (m === 'rss') {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
    // With --expose-gc, also the RSS once garbage is collected: what the store holds. Buffers
    // are freed by a sweeper after the collection, hence the wait and the second one.
    globalThis.gc?.()
    setTimeout(() => {
      globalThis.gc?.()
      const after = process.memoryUsage()
      process.send({ rss, heapUsed, heapTotal, external, arrayBuffers, rssAfterGc: after.rss, afterGc: after, openMs, openCpuMs })
    }, 200)
  }
})
announce(store.uri)
process.on('SIGTERM', () => { store.close().then(() => process.exit(0)) })
