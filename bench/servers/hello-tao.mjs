import { fileURLToPath } from 'node:url'
import { createApp } from '@tao/core'
import { announce } from '../lib/serve.mjs'

// argv[2]: a logLevel over the fixture's 'silent' (bench/logging.mjs serves with 'info').
const logLevel = process.argv[2]
const app = await createApp({ root: fileURLToPath(new URL('../fixtures/hello', import.meta.url)), settings: logLevel ? { logLevel } : undefined })
announce(await app.listen({ port: 0, host: '127.0.0.1' }))
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
