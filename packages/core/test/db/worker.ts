// A server process for the tests: the project at argv[2], settings overrides as JSON in
// TEST_SETTINGS, TAO_* from the environment (TAO_DATABASE_URL from a primary). Prints
// "listening <address>", or "failed <code>: <message>" and exits 1.
import { createApp, serve, type UserSettings } from '@tao/core'

const overrides = JSON.parse(process.env.TEST_SETTINGS ?? '{}') as UserSettings
try {
  const app = await createApp({ root: process.argv[2], settings: { logLevel: 'silent', ...overrides } })
  await serve(app, { host: '127.0.0.1', port: 0, onListen: (address) => process.stdout.write(`listening ${address}\n`) })
} catch (err) {
  const e = err as Error & { code?: string }
  process.stdout.write(`failed ${e.code ?? e.name}: ${e.message}\n`)
  process.exitCode = 1
}
