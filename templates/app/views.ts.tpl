import type { Reply, Request } from '@tao/core'

export async function index (_req: Request, reply: Reply) {
  return reply.render('%app_name%:index', { title: '%app_name%' })
}
