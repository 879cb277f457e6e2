import { service } from '@tao/core'

/** The channel (and websocket /pin/socket) on which each toggle of the pin is published. */
export const CHANNEL = 'pin'

/** What the pin machine publishes: its level after each clock tick. */
export interface PinState {
  level: 'high' | 'low'
  /** Toggles since this process started. */
  flips: number
  /** The clock tick that caused the last toggle. */
  clock: string | null
}

export const pin: PinState = { level: 'low', flips: 0, clock: null }

/** Where the clock ticks: the showcase site's clock socket, or PIPELINE_CLOCK_URL. */
export const clockUrl = () => process.env.PIPELINE_CLOCK_URL ?? 'ws://127.0.0.1:8080/clock/socket'

// Toggles the pin on every tick of the clock, which lives in another process: the client
// reconnects by itself when the clock's site restarts, and closes when this service stops.
export default [
  service('toggle', {
    // One process holds the link, however many workers serve the site (tao start --workers N).
    once: true,
    start (ctx) {
      ctx.connect(clockUrl(), {
        reconnect: { delay: '250ms', maxDelay: '5s' },
        heartbeat: { interval: '5s', timeout: '2s' },
        onMessage (data) {
          const { now } = JSON.parse(String(data)) as { now?: unknown }
          if (typeof now !== 'string') return
          pin.level = pin.level === 'low' ? 'high' : 'low'
          pin.flips++
          pin.clock = now
          ctx.channels.publish(CHANNEL, pin)
        },
      })
    },
  }),
]
