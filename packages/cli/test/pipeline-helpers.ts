// The showcase's pipeline as three real `tao start` processes on free ports of 127.0.0.1, for
// pipeline.test.ts (websocket level) and pipeline.slow.test.ts (a real browser).
import { fileURLToPath } from 'node:url'
import { startTao, type Server } from './helpers.js'
import { freePort } from '../../core/test/support/ports.js'

export const showcase = fileURLToPath(new URL('../../../examples/showcase', import.meta.url))

export { freePort }

export interface Pipeline {
  site: Server
  pin: Server
  buzzer: Server
  /** Starts the pin machine again (after it was killed), on the same port. */
  restartPin: () => Promise<Server>
  /** Every process started, for a SIGKILL at the end of the test. */
  all: Server[]
}

/**
 * Boots the three together, in any order: each client retries until its peer listens. The
 * site keeps its data in memory, so no var/db of the showcase is touched.
 */
export async function startPipeline (): Promise<Pipeline> {
  const [sitePort, pinPort, buzzerPort] = [await freePort(), await freePort(), await freePort()]
  const pinUrl = `ws://127.0.0.1:${pinPort}/pin/socket`
  const all: Server[] = []
  const track = (boot: Promise<Server>) => { boot.then((s) => all.push(s), () => {}); return boot }
  const startPin = () => track(startTao(['start', '--port', String(pinPort)], `${showcase}/machines/pin`, {
    PIPELINE_CLOCK_URL: `ws://127.0.0.1:${sitePort}/clock/socket`,
  }))
  const booting = [
    track(startTao(['start', '--port', String(sitePort)], showcase, {
      TAO_DATABASE_URL: 'memory',
      PIPELINE_PIN_URL: pinUrl,
      PIPELINE_BUZZER_URL: `ws://127.0.0.1:${buzzerPort}/buzzer/socket`,
    })),
    startPin(),
    track(startTao(['start', '--port', String(buzzerPort)], `${showcase}/machines/buzzer`, { PIPELINE_PIN_URL: pinUrl })),
  ]
  try {
    const [site, pin, buzzer] = await Promise.all(booting) as [Server, Server, Server]
    return { site, pin, buzzer, restartPin: startPin, all }
  } catch (err) {
    await Promise.allSettled(booting)
    for (const s of all) s.child.kill('SIGKILL')
    throw err
  }
}
