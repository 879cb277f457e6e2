import type { Reply, Request } from '@tao/core'

export async function index (_req: Request, reply: Reply) {
  return reply.render('home:index', { title: 'Welcome to the tao showcase' })
}
