// Type tests of the cache and rate limits (issue #18): checked by `tsc -p tsconfig.types.json`.
import { defineRateLimit, route, type Cache, type RateLimitResult, type Request, type TaoApp } from '@tao/core'

export async function view (req: Request) {
  const cache: Cache = req.cache
  const n: number | undefined = await cache.get<number>('n')
  await cache.set('n', 1, '30s')
  const posts: string[] = await cache.wrap('posts', 60_000, async () => ['a'])
  // @ts-expect-error: wrap needs a lifetime
  await cache.wrap('posts', async () => ['a'])
  return n ?? posts
}

export function appCache (app: TaoApp): Cache {
  return app.cache('blog')
}

route('GET', '/', () => 'x', { cache: { ttl: '60s' }, rateLimit: { max: 10, window: '1m', key: (req) => req.ip } })
// @ts-expect-error: a cache option needs its ttl
route('GET', '/', () => 'x', { cache: {} })
// @ts-expect-error: a rate limit needs max and window
route('GET', '/', () => 'x', { rateLimit: { max: 10 } })

const limit = defineRateLimit('search', { max: 5, window: 60_000 })
export async function limited (req: Request): Promise<RateLimitResult> {
  return await limit.check(req)
}
