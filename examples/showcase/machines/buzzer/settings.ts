import { defineSettings } from '@tao/core'

// The "buzzer" machine of the showcase's pipeline: a tao site of its own, in its own process
// (see ../README.md). It keeps nothing, so it runs on the in-memory database.
export default defineSettings({
  debug: true,
  allowedHosts: ['localhost', '127.0.0.1'],
  server: { port: 8082 },
  database: { url: 'memory' },
})
