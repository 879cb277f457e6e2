import type { ServerOptions } from 'node:http'
import type { Settings } from '../settings/index.js'

/**
 * Node's own server options for the header timeout (the slow-loris guard; Fastify sets the
 * request, keep-alive and connection timeouts itself). Node checks these deadlines on an
 * interval (30 s by default), so it is shortened to a quarter of the shortest one, for them to
 * be enforced close to their value.
 */
export function serverTimeouts (server: Settings['server']): ServerOptions {
  const { requestTimeout, headersTimeout } = server
  // Node requires headersTimeout <= requestTimeout when both are on.
  const headers = requestTimeout > 0 && headersTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout
  const shortest = Math.min(...[headers, requestTimeout].filter((t) => t > 0))
  return {
    requestTimeout,
    headersTimeout: headers,
    ...(Number.isFinite(shortest) ? { connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(shortest / 4))) } : {}),
  }
}
