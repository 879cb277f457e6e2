import { service } from '@tao/core'

/** The channel (and websocket /buzzer/socket) on which each buzz is published. */
export const CHANNEL = 'buzzer'

/** What the buzzer machine publishes each time it sounds. */
export interface BuzzerState {
  /** Buzzes since this process started. */
  buzzes: number
  /** The pin level whose change made it sound. */
  level: 'high' | 'low' | null
}

export const buzzer: BuzzerState = { buzzes: 0, level: null }

/** Where the pin is: the pin machine's socket, or PIPELINE_PIN_URL. */
export const pinUrl = () => process.env.PIPELINE_PIN_URL ?? 'ws://127.0.0.1:8081/pin/socket'

// Sounds when the pin, on another machine, flips. The first level seen after each
// (re)connection is the pin's current state, not a flip.
export default [
  service('sound', {
    // One process holds the link, however many workers serve the site (tao start --workers N).
    once: true,
    start (ctx) {
      let last: string | null = null
      ctx.connect(pinUrl(), {
        reconnect: { delay: '250ms', maxDelay: '5s' },
        heartbeat: { interval: '5s', timeout: '2s' },
        onOpen () { last = null },
        onMessage (data) {
          const { level } = JSON.parse(String(data)) as { level?: unknown }
          if (level !== 'high' && level !== 'low') return
          if (last !== null && level !== last) {
            buzzer.buzzes++
            buzzer.level = level
            ctx.channels.publish(CHANNEL, buzzer)
          }
          last = level
        },
      })
    },
  }),
]
