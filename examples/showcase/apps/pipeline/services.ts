import { service } from '@tao/core'

/** The channel on which this site relays what the pin and buzzer machines report. */
export const CHANNEL = 'pipeline'

/** The two machines this site watches, each a tao site in its own process (machines/). */
export const MACHINES = {
  pin: () => process.env.PIPELINE_PIN_URL ?? 'ws://127.0.0.1:8081/pin/socket',
  buzzer: () => process.env.PIPELINE_BUZZER_URL ?? 'ws://127.0.0.1:8082/buzzer/socket',
} as const

export type Machine = keyof typeof MACHINES

/** The last word of each machine, for a page that opens now: its link and its last report. */
export const latest: Record<Machine, { source: Machine, link: 'up' | 'down', [key: string]: unknown }> = {
  pin: { source: 'pin', link: 'down' },
  buzzer: { source: 'buzzer', link: 'down' },
}

// Holds a websocket client to each machine for the life of the service. A machine that is not
// running (plain `npm start`) is retried with a growing delay, up to 5 s, and shown as down.
export default [
  service('watch', {
    // One process holds the link, however many workers serve the site (tao start --workers N).
    once: true,
    start (ctx) {
      for (const source of Object.keys(MACHINES) as Machine[]) {
        const report = (update: Record<string, unknown>) => {
          latest[source] = { ...latest[source], ...update, source }
          ctx.channels.publish(CHANNEL, { ...update, source })
        }
        ctx.connect(MACHINES[source](), {
          reconnect: { delay: '250ms', maxDelay: '5s' },
          heartbeat: { interval: '5s', timeout: '2s' },
          onOpen: () => report({ link: 'up' }),
          onClose: () => report({ link: 'down' }),
          onMessage (data) {
            // A machine's report is relayed as plain fields: never trusted as markup by the page.
            const value = JSON.parse(String(data)) as unknown
            if (typeof value === 'object' && value !== null && !Array.isArray(value)) report(value as Record<string, unknown>)
          },
        })
      }
    },
  }),
]
