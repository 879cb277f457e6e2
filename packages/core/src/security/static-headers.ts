import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify from 'fastify'

// Headers of the probe's reply that are not security headers.
const NOT_SECURITY = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

/**
 * The security headers @fastify/helmet sends with these options, computed once at boot by one
 * request to a probe server. Without CSP nonces they are the same for every response, and
 * @fastify/helmet rebuilds its middleware on each request (about half of a small page's
 * throughput); tao sets the precomputed headers instead.
 */
export async function computeSecurityHeaders (options: FastifyHelmetOptions): Promise<Readonly<Record<string, string>>> {
  const probe = Fastify({ logger: false })
  try {
    await probe.register(fastifyHelmet, options)
    probe.get('/', async () => '')
    const res = await probe.inject('/')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(res.headers)) {
      if (!NOT_SECURITY.has(name) && value !== undefined) headers[name] = String(value)
    }
    return Object.freeze(headers)
  } finally {
    await probe.close()
  }
}
