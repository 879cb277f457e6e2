// Type tests of the public API: checked by `tsc -p tsconfig.types.json` (part of npm test).
// Each @ts-expect-error line must be an error, or the check fails.
import { connectWebsocket, defineSettings, route, service, ws, type ClientStats, type Reply, type Request, type TaoApp, type WebsocketClient } from '@tao/core'
import type { Db } from 'mongodb'

// The project's generated .tao/routes.d.ts looks like this:
declare module '@tao/core' {
  interface RouteParamsMap {
    'blog:index': {}
    'blog:post': { slug: string | number }
    'files:get': { '*': string | number }
  }
}

// Handler params are typed from the path string.
route('GET', '/post/:slug/:id(^\\d+)', async (req) => {
  const slug: string = req.params.slug
  const id: string = req.params.id
  // @ts-expect-error: no such parameter in the path
  return req.params.nope ?? slug + id
})
route('GET', '/files/*', async (req) => req.params['*'])
ws('/room/:room', (socket, req) => { socket.send(req.params.room) })

export async function view (req: Request<{ slug: string }>, reply: Reply) {
  reply.redirectTo('blog:post', { slug: req.params.slug })
  reply.redirectTo('blog:index')
  // @ts-expect-error: unknown route name
  reply.redirectTo('blog:nope')
  // @ts-expect-error: missing parameter
  return reply.redirectTo('blog:post')
}

export function urls (app: TaoApp): string[] {
  return [
    app.url('blog:index'),
    app.url('blog:post', { slug: 'x' }),
    app.url('blog:post', { slug: 1 }, { page: 2 }),
    app.url('files:get', { '*': 'a/b' }),
    // @ts-expect-error: unknown route name
    app.url('blog:indx'),
    // @ts-expect-error: missing parameter
    app.url('blog:post'),
    // @ts-expect-error: wrong parameter name
    app.url('blog:post', { sulg: 'x' }),
  ]
}

defineSettings({ debug: true, server: { port: 8080, requestTimeout: '30s', bodyLimit: '2mb' }, allowedHosts: ['example.com'] })
// @ts-expect-error: unknown key
defineSettings({ debgu: true })
// @ts-expect-error: wrong type
defineSettings({ server: { port: '8080' } })
// @ts-expect-error: not a duration
defineSettings({ server: { requestTimeout: 'soon' } })

// req.db is the official driver's Db (once the database concern lands this is enforced).
export type DbIsDriverDb = Db

// A service's websocket client (issue 18): handlers get text as string, binary as Buffer.
service('pin', {
  start (ctx) {
    const client: WebsocketClient = ctx.connect('ws://127.0.0.1:8080/clock/socket', {
      onMessage: (data) => { const text: string | Buffer = data; return text },
      queue: { max: 10, overflow: 'drop-newest' },
      heartbeat: { interval: '5s', timeout: '2s' },
      reconnect: { delay: '250ms' },
      maxBufferedAmount: '64kb',
      connectTimeout: 5,
    })
    const kept: boolean = client.send({ subscribe: 'ticks' })
    const stats: ClientStats = client.stats
    return kept && stats.dropped === 0
  },
})
// @ts-expect-error: not an overflow policy
connectWebsocket('ws://x', { queue: { overflow: 'drop-all' } })
