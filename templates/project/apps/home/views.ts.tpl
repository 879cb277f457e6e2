import type { Reply, Request } from '@tao/core'

/** The home page, once routes.ts answers '/' with it. */
export async function index (_req: Request, reply: Reply) {
  return reply.render('home:index', { title: 'Welcome to %project_name%' })
}

export async function about (_req: Request, reply: Reply) {
  return reply.render('home:index', { title: 'About %project_name%' })
}
