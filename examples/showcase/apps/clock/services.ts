import { periodic } from '@tao/core'

export const CHANNEL = 'clock'

// Runs next to the web server from start to shutdown; tao starts and stops it with the app.
export default [
  periodic('tick', { every: '1s', immediate: true }, async (ctx) => {
    ctx.channels.publish(CHANNEL, { now: new Date().toISOString() })
  }),
]
