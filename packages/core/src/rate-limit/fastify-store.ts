import type { AttemptStore } from '../auth/throttle.js'

type Callback = (err: Error | null, res?: { current: number, ttl: number }) => void

/**
 * The store @fastify/rate-limit counts route requests in (its `store` option), over tao's
 * counters: the routes' limits, the programmatic ones and the login throttle then share one
 * implementation per backend (memory or Redis), and one Redis client. A route's counters are
 * named after the route (`route:<app:name>:<key>`), so GET and its implied HEAD count together.
 */
export function fastifyStore (counters: AttemptStore, namespace: string): new (params: unknown) => object {
  class TaoRateLimitStore {
    readonly #prefix: string
    constructor (_params: unknown, prefix = `${namespace}route:`) {
      this.#prefix = prefix
    }

    incr (key: string, cb: Callback, timeWindow: number): void {
      counters.hit(this.#prefix + key, timeWindow).then(
        (c) => cb(null, { current: c.count, ttl: Math.max(0, c.resetAt.getTime() - Date.now()) }),
        (err: Error) => cb(err)
      )
    }

    read (key: string, cb: Callback): void {
      counters.peek(this.#prefix + key).then(
        (c) => cb(null, c === null ? { current: 0, ttl: 0 } : { current: c.count, ttl: Math.max(0, c.resetAt.getTime() - Date.now()) }),
        (err: Error) => cb(err)
      )
    }

    child (routeOptions: { routeInfo?: { config?: { taoRoute?: string }, url?: string } }): TaoRateLimitStore {
      const info = routeOptions.routeInfo
      return new TaoRateLimitStore(null, `${namespace}route:${info?.config?.taoRoute ?? info?.url ?? ''}:`)
    }
  }
  return TaoRateLimitStore
}
